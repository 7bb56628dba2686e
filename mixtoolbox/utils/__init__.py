from .checkpoint import (
                         allow_mmengine_checkpoint_types,
                         mmengine_checkpoint_types,
)
from .runtime import amp_optim_wrapper, fit_dist_backend
from .setup_env import register_all_modules

__all__ = ['register_all_modules', 'allow_mmengine_checkpoint_types',
           'mmengine_checkpoint_types', 'amp_optim_wrapper',
           'fit_dist_backend']
