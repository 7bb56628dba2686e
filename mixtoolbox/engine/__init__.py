from .hooks import *  # noqa: F401,F403
from .cpu_ddp import CPUCompatibleDDP  # noqa: F401
from .optim_wrappers import BF16OptimWrapper  # noqa: F401
from .prefix_groups import (PrefixGroupOptimWrapperConstructor,  # noqa: F401
                            PrefixParamScheduler)
from .rng_state_hook import RNGStateHook  # noqa: F401
