from .anneal import AnnealingHook, anneal_value  # noqa: F401
from .atomic_checkpoint import AtomicCheckpointHook  # noqa: F401
from .memory_format import MemoryFormatHook  # noqa: F401
from .mixed_gallery import MixedGalleryHook, mixed_grid  # noqa: F401
from .momentum import MomentumScheduleHook  # noqa: F401
from .nonfinite import NonFiniteLossError, NonFiniteLossHook  # noqa: F401
from .online_clustering import OnlineClusteringHook  # noqa: F401
from .rng_state import RNGStateHook  # noqa: F401
