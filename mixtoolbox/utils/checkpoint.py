"""Safe checkpoint loading for mmengine under torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and mmengine
0.10.7 never passes ``weights_only``; its own checkpoints hold numpy arrays
and scalars (RNG state, message hub buffers) and ``HistoryBuffer`` objects,
so ``--resume`` fails with ``UnpicklingError``. Instead of turning the safety
check off, we allow-list exactly the types mmengine checkpoints contain
(measured with ``torch.serialization.get_unsafe_globals_in_checkpoint`` on a
real mmpretrain checkpoint, plus ``bytes`` for empty arrays).
"""
import builtins

import numpy as np
import torch


def _numpy_checkpoint_types():
    """numpy's pickling helpers for arrays, dtypes and scalars."""
    try:  # numpy >= 2 moved the pickling helpers into numpy._core
        from numpy._core import multiarray
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core import multiarray
    types = [np.ndarray, np.dtype, multiarray.scalar, multiarray._reconstruct]
    # numpy >= 1.25 pickles dtypes as instances of per-type classes
    # (numpy.dtypes.Float64DType, ...) that are reached through getattr.
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        types += [getattr(dtypes, name) for name in dir(dtypes)
                  if name.endswith('DType')]
    return types


def mmengine_checkpoint_types():
    """The non-tensor globals found in mmengine training checkpoints."""
    from mmengine.logging.history_buffer import HistoryBuffer
    # bytes: an empty numpy array (e.g. a fresh HistoryBuffer) pickles its
    # data as bytes()
    return _numpy_checkpoint_types() + [
        builtins.getattr, builtins.bytes, HistoryBuffer
    ]


def allow_mmengine_checkpoint_types() -> None:
    """Allow-list mmengine's checkpoint types for ``weights_only`` loading.

    Idempotent; a no-op on torch versions without ``add_safe_globals``.
    """
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:  # pragma: no cover - torch < 2.4 loads everything
        return
    known = set(map(id, torch.serialization.get_safe_globals()))
    add([t for t in mmengine_checkpoint_types() if id(t) not in known])
