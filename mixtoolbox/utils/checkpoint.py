"""Safe checkpoint loading for mmengine under torch >= 2.6, and the checks
that turn an unusable checkpoint into one clear line.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and mmengine
0.10.7 never passes ``weights_only``; its own checkpoints hold numpy arrays
and scalars (RNG state, message hub buffers) and ``HistoryBuffer`` objects,
so ``--resume`` fails with ``UnpicklingError``. Instead of turning the safety
check off, we allow-list exactly the types mmengine checkpoints contain
(measured with ``torch.serialization.get_unsafe_globals_in_checkpoint`` on a
real mmpretrain checkpoint, plus ``bytes`` for empty arrays).
"""
import builtins
import os
import os.path as osp
import re
import sys
import zipfile
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

import numpy as np
import torch

if TYPE_CHECKING:
    from mmengine.config import Config


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


def mmengine_checkpoint_types() -> list:
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


# ----------------------------------------------------- readable checkpoints
class CheckpointError(ValueError):
    """A checkpoint file that cannot be used; the message names the file,
    what is wrong with it and which earlier checkpoint is usable."""


_ZIP_MAGIC = b'PK\x03\x04'
_STEP_FILE = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def _one_line(text) -> str:
    return ' '.join(str(text).split())


def checkpoint_problem(path: str) -> Optional[str]:
    """What is wrong with the checkpoint at ``path`` (a few words), or None
    when ``torch.load`` reads it.

    The file is loaded completely (on the CPU, ``weights_only`` with
    mmengine's types allow-listed), so a truncated tail or damaged records
    are found, not only a missing header."""
    if not osp.exists(path):
        return 'the file does not exist'
    if osp.isdir(path):
        return 'it is a directory, not a checkpoint file'
    size = osp.getsize(path)
    if size == 0:
        return 'the file is empty (0 bytes)'
    with open(path, 'rb') as f:
        head = f.read(4)
    if head == _ZIP_MAGIC and not zipfile.is_zipfile(path):
        return (f'the file is truncated ({size} bytes, the zip archive '
                'torch.save writes has no end record)')
    if head != _ZIP_MAGIC and head[:1] != b'\x80':
        # neither torch's zip format nor its legacy pickle format
        return (f'the file is not a PyTorch checkpoint ({size} bytes that '
                'torch.save did not write)')
    allow_mmengine_checkpoint_types()
    try:
        torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # noqa: BLE001 - every failure is reported
        return (f'torch.load cannot read it ({type(err).__name__}: '
                f'{_one_line(err)[:200]})')
    return None


def step_checkpoints(work_dir: str) -> list:
    """The ``epoch_N.pth`` / ``iter_N.pth`` files of a work dir, newest
    (largest N) first."""
    if not osp.isdir(work_dir):
        return []
    found = []
    for name in os.listdir(work_dir):
        match = _STEP_FILE.match(name)
        if match:
            found.append((int(match[2]), name))
    return [osp.join(work_dir, name) for _, name in sorted(found,
                                                           reverse=True)]


def newest_readable_checkpoint(work_dir: str, skip: Iterable[str] = ()
                               ) -> Optional[str]:
    """The newest ``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir`` that
    loads, leaving out the paths in ``skip``."""
    skip = {osp.abspath(p) for p in skip}
    for path in step_checkpoints(work_dir):
        if osp.abspath(path) not in skip and checkpoint_problem(path) is None:
            return path
    return None


def unreadable_message(path: str, problem: str) -> str:
    """One line: the file, what is wrong, the newest usable checkpoint next
    to it."""
    folder = osp.dirname(osp.abspath(path))
    usable = newest_readable_checkpoint(folder, skip=[path])
    advice = (f'the newest readable checkpoint there is {usable}' if usable
              else f'no readable epoch_N.pth / iter_N.pth is in {folder}')
    return f'checkpoint {path} is unusable: {problem}; {advice}'


def check_checkpoint(path: str) -> str:
    """``path`` if it loads, else :class:`CheckpointError` with the one-line
    message of :func:`unreadable_message`."""
    problem = checkpoint_problem(path)
    if problem is not None:
        raise CheckpointError(unreadable_message(path, problem))
    return path


def readable_checkpoint_or_exit(path: str) -> str:
    """For the command-line tools: ``path`` if it loads; otherwise print
    ``error: <one line>`` on stderr and exit with status 1 (no traceback)."""
    try:
        return check_checkpoint(path)
    except CheckpointError as err:
        print(f'error: {err}', file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def resolve_resume(cfg: 'Config', log: Callable[[str], Any] = print) -> None:
    """Check the checkpoint a ``--resume`` run starts from, in place on the
    config (``cfg.resume`` / ``cfg.load_from``).

    * ``--resume PATH``: PATH must load, else one-line error and exit 1.
    * ``--resume`` (auto): the checkpoint named by ``work_dir/
      last_checkpoint``; if it is missing or unreadable (a run killed while
      writing it), the newest readable ``epoch_N.pth`` / ``iter_N.pth`` of
      the work dir is used instead and ``log`` says so. Without any
      readable checkpoint the run starts from scratch, as mmengine's
      auto-resume does.
    """
    if not cfg.get('resume'):
        return
    if cfg.get('load_from'):
        readable_checkpoint_or_exit(cfg.load_from)
        return
    work_dir = cfg.work_dir
    pointer = osp.join(work_dir, 'last_checkpoint')
    latest = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            latest = f.read().strip() or None
    problem = checkpoint_problem(latest) if latest else None
    if latest and problem is None:
        cfg.load_from = latest
        return
    fallback = newest_readable_checkpoint(work_dir,
                                          skip=[latest] if latest else [])
    if latest is None and fallback is None:
        return  # nothing saved yet: a fresh start
    if fallback is None:
        print(f'error: {unreadable_message(latest, problem)}',
              file=sys.stderr, flush=True)
        raise SystemExit(1)
    why = (f'the latest checkpoint {latest} is unusable: {problem}'
           if latest else f'{pointer} names no checkpoint')
    log(f'auto-resume: {why}; resuming from the newest readable '
        f'checkpoint {fallback} instead')
    cfg.load_from = fallback
