"""Checkpoints that are complete or absent, never half written."""
import os
import os.path as osp
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from mixtoolbox.registry import HOOKS

if TYPE_CHECKING:
    from mmengine.runner import Runner

_SUFFIX = '.partial-checkpoint'
_TMP = re.compile(r'^\..+\.\d+' + re.escape(_SUFFIX) + '$')


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _DeferRemoval:
    """A file backend whose ``remove`` / ``rmtree`` only note the path: the
    checkpoints mmengine drops (``max_keep_ckpts``, the previous best) are
    deleted once the new one is safely on disk, not before."""

    def __init__(self, backend, removed: list):
        self._backend, self._removed = backend, removed

    def remove(self, path: str) -> None:
        self._removed.append(('remove', path))

    def rmtree(self, path: str) -> None:
        self._removed.append(('rmtree', path))

    def __getattr__(self, name):
        return getattr(self._backend, name)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` with atomic writes (the default of every
    mixtoolbox config, ``configs/_base_/default_runtime.py``).

    mmengine 0.10.7 writes a checkpoint straight to its final name and, with
    ``max_keep_ckpts``, deletes the oldest one *before* writing the new one:
    a process killed while saving (SIGKILL, out of memory, a pre-empted
    node) leaves a truncated ``epoch_N.pth``, named by ``last_checkpoint``,
    and possibly no complete checkpoint at all. Here each checkpoint is
    written to a hidden temporary file in the same folder, flushed to disk
    (``fsync``) and renamed to its name with ``os.replace`` (atomic on
    POSIX and Windows); the checkpoints that ``max_keep_ckpts`` or a new best
    score retire are deleted only after that. Takes exactly the arguments of
    ``CheckpointHook``. Remote back-ends (``backend_args`` other than the
    local disk) are written as mmengine does.
    """

    def before_train(self, runner: 'Runner') -> None:
        super().before_train(runner)
        # what a process killed while saving left behind (the partial file
        # never got its name, so nothing refers to it)
        if is_main_process() and isinstance(self.file_backend, LocalBackend) \
                and osp.isdir(self.out_dir):
            for name in os.listdir(self.out_dir):
                if _TMP.match(name):
                    os.remove(osp.join(self.out_dir, name))

    def _save_checkpoint_with_step(self, runner, step, meta):
        with self._atomic(runner):
            super()._save_checkpoint_with_step(runner, step, meta)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        with self._atomic(runner):
            super()._save_best_checkpoint(runner, metrics)

    @contextmanager
    def _atomic(self, runner):
        backend = self.file_backend
        if not isinstance(backend, LocalBackend):
            yield  # remote storage, or already inside (best -> latest)
            return
        removed = []
        save = runner.save_checkpoint

        def save_atomically(out_dir: str, filename: str, *args, **kwargs
                            ) -> None:
            tmp_name = f'.{filename}.{os.getpid()}{_SUFFIX}'
            tmp = osp.join(out_dir, tmp_name)
            try:
                save(out_dir, tmp_name, *args, **kwargs)
                if is_main_process():  # Runner.save_checkpoint is master-only
                    _fsync(tmp)
                    os.replace(tmp, osp.join(out_dir, filename))
                    _fsync(out_dir)
            finally:
                if osp.exists(tmp):
                    os.remove(tmp)

        self.file_backend = _DeferRemoval(backend, removed)
        runner.save_checkpoint = save_atomically
        try:
            yield
        finally:
            self.file_backend = backend
            del runner.save_checkpoint  # the class's method again
        for how, path in removed:
            getattr(backend, how)(path)
