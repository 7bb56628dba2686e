"""Keep freed memory in the process (glibc), so large CPU batches stop paying
page faults every step.

glibc's ``malloc`` serves every request above its mmap threshold (dynamic,
at most 32 MB on 64-bit Linux) with a fresh ``mmap`` and returns it with
``munmap`` on free. A training step on a large CPU batch — multi-mix's one
K·N batch of K = 5 interpolations, for instance — allocates activations of
30–130 MB that are mapped, touched page by page (one minor page fault per
4 KB) and unmapped again in every step: measured on PreActResNet-18 at
500 samples, 2.7 M faults and 10.7 s of kernel time per step, which made
the 500-sample step cost 5.6× a 100-sample one instead of ≤ 5×
(``docs/benchmarks.md``). Turning mmap off for ``malloc`` and never trimming
the heap keeps those blocks in the process after the first step; later steps
reuse them without faults (the effect the ``MALLOC_MMAP_MAX_`` and
``MALLOC_TRIM_THRESHOLD_`` environment variables or a caching allocator such
as jemalloc have, without restarting the process).

The cost: memory the process freed is not returned to the system until it
exits (the resident size stays at the run's peak). Set it with
``env_cfg = dict(keep_freed_memory=True)`` in a config (``tools/train.py``
calls :func:`keep_freed_memory`), or ``--keep-freed-memory`` of the speed
benchmark. Only the CPU heap is concerned; CUDA memory has its own caching
allocator already.
"""
import ctypes
import ctypes.util
import platform
import warnings

# mallopt parameters of glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4

_applied = False


def keep_freed_memory() -> bool:
    """Ask glibc's ``malloc`` to keep freed memory: no ``mmap`` for large
    blocks (``M_MMAP_MAX = 0``) and no trimming of the heap top
    (``M_TRIM_THRESHOLD`` at its maximum).

    Returns:
        bool: True when the settings are in force (now or by an earlier
        call); False, with a warning, on a C library without ``mallopt``
        (macOS, Windows, musl) — the run goes on with the default allocator.
    """
    global _applied
    if _applied:
        return True
    libc = None
    if platform.system() == 'Linux':
        try:
            libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        except OSError:
            libc = None
    mallopt = getattr(libc, 'mallopt', None)
    if mallopt is None:
        warnings.warn('keep_freed_memory: this C library has no mallopt '
                      '(glibc only); the default allocator stays in use')
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_MMAP_MAX, 0) == 1 and \
        mallopt(_M_TRIM_THRESHOLD, 2**31 - 1) == 1
    if not ok:
        warnings.warn('keep_freed_memory: mallopt refused the settings; the '
                      'default allocator stays in use')
        return False
    _applied = True
    return True
