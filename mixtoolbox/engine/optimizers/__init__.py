from .bf16_optim_wrapper import BF16OptimWrapper
from .prefix_group_constructor import (
                                       PREFIX_KEY,
                                       PrefixGroupOptimWrapperConstructor,
)

__all__ = ['BF16OptimWrapper', 'PREFIX_KEY',
           'PrefixGroupOptimWrapperConstructor']
