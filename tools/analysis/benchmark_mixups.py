#!/usr/bin/env python
"""Time mixtoolbox's Mixup / CutMix / ResizeMix against mmpretrain's and
timm's on identical tensors.

Every repetition calls each implementation once, in a rotating order, with
the same RNG seed (so the same λ), on a fresh copy of the same batch (copies
are made outside the timed region, since CutMix / ResizeMix paste in place in
all three libraries); the table reports the median per implementation and
our median divided by the fastest peer's. Ratios, not absolute times, are the
result: they are measured side by side in one process, so machine noise hits
all implementations alike. What is timed is each library's batch-augment
call, ``(inputs, one-hot scores) -> (inputs, scores)`` (timm: ``(inputs,
labels)``, it builds the one-hot targets itself), i.e. mmpretrain's
``BATCH_AUGMENTS`` path of our mixups. The load average of the machine at the
start and the end is printed with the table.

    python tools/analysis/benchmark_mixups.py --threads 1 --sizes 32 224 \
        --batch 128 64 --reps 30 --out docs/benchmarks/mixups
"""
import argparse
import json
import os
import platform
import statistics
import time
from typing import Callable, Dict, List, Sequence

import numpy as np
import torch

METHODS = ('Mixup', 'CutMix', 'ResizeMix')


def peers(name: str, alpha: float,
          num_classes: int) -> Dict[str, Callable]:
    """{implementation: callable(x, onehot, labels)} for one method."""
    from mmpretrain.models.utils import batch_augments as mmpre

    from mixtoolbox.models import mixups as ours
    impls = {}
    if name == 'Mixup':
        impls['mixtoolbox'] = ours.Mixup(alpha=alpha)
        impls['mmpretrain'] = mmpre.Mixup(alpha=alpha)
    elif name == 'CutMix':
        impls['mixtoolbox'] = ours.CutMix(alpha=alpha)
        impls['mmpretrain'] = mmpre.CutMix(alpha=alpha)
    elif name == 'ResizeMix':
        impls['mixtoolbox'] = ours.ResizeMix(scope=(0.1, 0.8))
        impls['mmpretrain'] = mmpre.ResizeMix(alpha=alpha)
    calls = {k: (lambda f: lambda x, y, t: f(x, y))(f)
             for k, f in impls.items()}
    try:
        from timm.data import Mixup as TimmMixup
    except ImportError:
        return calls
    if name in ('Mixup', 'CutMix'):
        timm_mix = TimmMixup(
            mixup_alpha=alpha if name == 'Mixup' else 0.0,
            cutmix_alpha=alpha if name == 'CutMix' else 0.0,
            label_smoothing=0.0, num_classes=num_classes)
        calls['timm'] = lambda x, y, t: timm_mix(x, t)
    return calls


def bench(name: str, shape: Sequence[int], reps: int, alpha: float = 1.0,
          num_classes: int = 100, device: str = 'cpu') -> dict:
    """Median time (ms) of every implementation of ``name`` on a batch of
    ``shape`` and ours over the fastest peer's."""
    torch.manual_seed(0)
    np.random.seed(0)
    x = torch.randn(*shape, device=device)
    labels = torch.randint(0, num_classes, (shape[0], ), device=device)
    onehot = torch.nn.functional.one_hot(labels, num_classes).float()
    calls = peers(name, alpha, num_classes)
    names = list(calls)
    times = {k: [] for k in names}
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    for rep in range(reps + 2):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for impl in order:
            xc = x.clone()
            # the same seed for every implementation of a repetition, so all
            # draw the same λ (and box area) — CutMix's cost grows with it
            np.random.seed(rep)
            torch.manual_seed(rep)
            sync()
            start = time.perf_counter()
            calls[impl](xc, onehot, labels)
            sync()
            if rep >= 2:  # two warm-up rounds
                times[impl].append(time.perf_counter() - start)
    medians = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    others = [v for k, v in medians.items() if k != 'mixtoolbox']
    ratio = medians['mixtoolbox'] / min(others)
    return dict(method=name, shape=list(shape), median_ms=medians,
                ratio_vs_fastest_peer=ratio)


def markdown(rows: List[dict], meta: dict) -> str:
    impls = ['mixtoolbox', 'mmpretrain', 'timm']
    lines = [f'Machine: {meta["machine"]}; torch {meta["torch"]}, '
             f'{meta["threads"]} thread(s), device {meta["device"]}, '
             f'median of {meta["reps"]} interleaved repetitions; load '
             f'average (1 min) {meta["load_start"]} at the start, '
             f'{meta["load_end"]} at the end.', '',
             '| method | batch | ' + ' | '.join(f'{i} (ms)' for i in impls)
             + ' | ours / fastest peer |',
             '|---|---|' + '---|' * len(impls) + '---|']
    for r in rows:
        cells = [f'{r["median_ms"][i]:.3f}' if i in r['median_ms'] else 'n/a'
                 for i in impls]
        lines.append(f'| {r["method"]} | {"×".join(map(str, r["shape"]))} | '
                     + ' | '.join(cells)
                     + f' | **{r["ratio_vs_fastest_peer"]:.2f}×** |')
    return '\n'.join(lines)


def load_average() -> str:
    """The 1-minute load average, or 'n/a' where the OS has none."""
    try:
        return f'{os.getloadavg()[0]:.2f}'
    except (AttributeError, OSError):
        return 'n/a'


def main(argv: Sequence[str] = None) -> None:
    parser = argparse.ArgumentParser(
        description='Benchmark Mixup/CutMix/ResizeMix of mixtoolbox against '
        'mmpretrain and timm (interleaved, medians, ratios).')
    parser.add_argument('--reps', type=int, default=30,
                        help='timed repetitions per implementation (>= 20 '
                        'recommended; default 30)')
    parser.add_argument('--sizes', type=int, nargs='+', default=[32, 224],
                        help='square input sizes (default 32 224)')
    parser.add_argument('--batch', type=int, nargs='+', default=[128],
                        help='batch size, one for all sizes or one per '
                        'size in the order of --sizes (default 128)')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch intra-op threads (default: torch\'s)')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--out', help='write OUT.md and OUT.json')
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error(f'--reps must be >= 1, got {args.reps}')
    if len(args.batch) not in (1, len(args.sizes)):
        parser.error(f'--batch takes one size or one per --sizes entry '
                     f'({len(args.sizes)}), got {len(args.batch)}')
    if min(args.batch) < 2 or min(args.sizes) < 2:
        parser.error('--batch and --sizes must be >= 2')
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f'--threads must be >= 1, got {args.threads}')
        torch.set_num_threads(args.threads)
    batches = args.batch * len(args.sizes) if len(args.batch) == 1 \
        else args.batch
    load_start = load_average()
    rows = [bench(m, (b, 3, s, s), args.reps, device=args.device)
            for s, b in zip(args.sizes, batches) for m in METHODS]
    meta = dict(machine=f'{platform.processor() or platform.machine()}, '
                f'{os.cpu_count()} logical CPUs',
                torch=torch.__version__, threads=torch.get_num_threads(),
                device=args.device, reps=args.reps, load_start=load_start,
                load_end=load_average())
    table = markdown(rows, meta)
    print(table)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out + '.md', 'w') as f:
            f.write(table + '\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(meta=meta, rows=rows), f, indent=2)


if __name__ == '__main__':
    main()
