"""Runner parts, laid out as mmpretrain's ``engine``: ``hooks/``,
``optimizers/`` (optimizer wrappers and their constructors),
``schedulers/`` (parameter schedulers), plus the CPU-capable DDP wrapper."""
from .cpu_ddp import CPUCompatibleDDP  # noqa: F401
from .hooks import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .schedulers import *  # noqa: F401,F403
