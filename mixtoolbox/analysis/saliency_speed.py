"""Where the training-step time of the saliency mixups goes.

For PuzzleMix, Co-Mixup and R-Mix (by default their CIFAR-100
PreActResNet-18 configs) and a vanilla step as the baseline, one training
step (``model.train_step``, as in ``benchmark_methods.py``) on the same
random batch is split into three phases:

- **saliency pass**: the extra forward/backward that yields the saliency
  (``saliency_pass`` as the methods' ``SaliencyMixup`` base calls it);
- **mask optimisation**: everything the method does between the saliency and
  the mixing params: ``PuzzleMix.solve_parts`` (energy terms, graph cut,
  transport), ``CoMixup.solve`` (compatibility and the labelling sweeps),
  ``RMix.top_patches`` (patch pooling and per-image quantiles);
- **rest**: the step minus both, i.e. data preprocessing, sampling, applying
  the params (``mix``), forward/backward on the mixed batch (with a clean-
  input loss, as in Co-Mixup's config, also the backward through the clean
  forward that the saliency pass kept) and the optimiser step.

The phases are timed by wrapping the very functions the methods call, for
the duration of the benchmark only (``unittest.mock.patch``), so what is
timed is the methods' own code. Each wrapper records wall time
(``time.perf_counter``; on CUDA after a ``torch.cuda.synchronize`` on entry
and exit) and process CPU time (``time.process_time``, all threads of this
process, which does not grow while waiting for a core on a busy machine).

One round runs one step of every config in a rotating order, so that load
from other processes slows all configs alike; before each step the RNGs are
seeded with ``seed + round``, so every config sees the same draws in a round
whatever the order (PuzzleMix draws its block grid per step, and the grid
sets the graph-cut cost: use enough rounds to cover its choices). Reported:
per-phase medians over the timed rounds, and each as a ratio of the median
vanilla step. Medians are taken per column, so the parts add up to the total
exactly for one round and approximately otherwise.

The command line is ``tools/analysis/benchmark_saliency.py``.

Example (the table of docs/methods/saliency_mixups.md)::

    python tools/analysis/benchmark_saliency.py --reps 8 --threads 1 \\
        --out work_dirs/benchmarks/saliency_preactresnet18_cifar100
"""
import argparse
import contextlib
import copy
import functools
import json
import os.path as osp
import statistics
import sys
import time
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
)
from unittest import mock

import numpy as np
import torch

from .common import expand, in_root, machine, quiet_setup, random_batch
from .timing_args import add_timing_args, check_timing_args

BASELINE = 'configs/vanilla/vanilla_preactresnet18_1xb128-2000e_cifar100.py'
CONFIGS = ['configs/puzzlemix/puzzlemix_preactresnet18_1xb100-800e_cifar100.py',  # noqa: E501
           'configs/comixup/comixup_preactresnet18_1xb100-800e_cifar100.py',
           'configs/rmix/rmix_preactresnet18_1xb100-300e_cifar100.py']
# the method each mixup calls between the saliency and the mixing params
MASK_SEAMS = {'PuzzleMix': 'solve_parts', 'CoMixup': 'solve',
              'RMix': 'top_patches'}
PHASES = ('saliency', 'mask', 'rest', 'total')
TITLES = dict(saliency='saliency pass', mask='mask optimisation',
              rest='rest', total='total')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(
        description='Split the training step of the saliency mixups '
        '(PuzzleMix, Co-Mixup, R-Mix) into saliency pass / mask optimisation '
        '/ rest, as medians of interleaved rounds in one process on one '
        'random batch, each also as a ratio of a vanilla step (wall and '
        'process CPU time); prints a Markdown table and writes JSON. See '
        'the module docstring for what each phase contains.')
    parser.add_argument('--configs', nargs='+', default=CONFIGS,
                        help='method configs or quoted glob patterns; their '
                        f'mixups must be among {sorted(MASK_SEAMS)} '
                        '(default: the CIFAR-100 PreActResNet-18 configs of '
                        'the three)')
    parser.add_argument('--baseline', default=BASELINE,
                        help=f'the vanilla config (default: {BASELINE})')
    parser.add_argument('--batch-size', type=int, default=100,
                        help='batch size of every config (default 100)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, metavar='KEY=VALUE',
                        help='overrides merged into every config, e.g. '
                        'model.backbone.base_channels=8 '
                        'model.head.in_channels=64')
    add_timing_args(parser, 'raw image size fed to the pipeline (default: '
                    'the dataset\'s, 32 32 for CIFAR)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', metavar='PREFIX',
                        help='write PREFIX.md and PREFIX.json')
    args = parser.parse_args(argv)
    check_timing_args(parser, args, ('reps', 'batch_size', 'threads'))
    return args


class PhaseClock:
    """Wall and CPU seconds spent inside wrapped callables, per phase."""

    def __init__(self, sync: Callable[[], object]):
        self.sync = sync
        self.reset()

    def reset(self) -> None:
        self.wall = dict(saliency=0.0, mask=0.0)
        self.cpu = dict(saliency=0.0, mask=0.0)
        self.calls = dict(saliency=0, mask=0)

    def wrap(self, phase: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs) -> Any:
            self.sync()
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.sync()
                self.wall[phase] += time.perf_counter() - t0
                self.cpu[phase] += time.process_time() - c0
                self.calls[phase] += 1
        return timed


def method_name(model: torch.nn.Module) -> str:
    mixups = model.policy.mixups
    return '+'.join(m.name for m in mixups) if mixups else 'vanilla'


@contextlib.contextmanager
def instrumented(models: Iterable[torch.nn.Module],
                 clock: PhaseClock) -> Iterator[None]:
    """Route the saliency pass and the mask optimisation of every model's
    mixups through ``clock`` while the block runs."""
    with contextlib.ExitStack() as stack:
        modules = set()
        for model in models:
            for mixup in model.policy.mixups:
                seam = MASK_SEAMS[mixup.name]
                stack.enter_context(mock.patch.object(
                    mixup, seam, clock.wrap('mask', getattr(mixup, seam))))
                module = sys.modules[type(mixup).saliency.__module__]
                # once per module: a second wrapper would count twice
                if module not in modules:
                    modules.add(module)
                    stack.enter_context(mock.patch.object(
                        module, 'saliency_pass',
                        clock.wrap('saliency', module.saliency_pass)))
        yield


def build(path: str, args: argparse.Namespace, device: torch.device) -> dict:
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper

    from mixtoolbox.registry import MODELS
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(args.cfg_options)
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    unknown = [m.name for m in model.policy.mixups
               if m.name not in MASK_SEAMS]
    if unknown:
        raise ValueError(f'{path}: mixups {unknown} have no known saliency '
                         '/ mask phases; --configs must use '
                         f'{sorted(MASK_SEAMS)} (or no mixup)')
    model.init_weights()
    model.to(device).train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    data = random_batch(cfg, args.batch_size, args.image_size, args.seed)
    return dict(model=model, optim=optim, data=data, method=method_name(model),
                batch=len(data['data_samples']))


def measure(paths: List[str], args: argparse.Namespace,
            device: torch.device) -> Dict[str, dict]:
    """{path: run} with per-round seconds of every phase in
    ``run['rounds']`` (wall and CPU) and call counts per step."""
    runs = {p: build(p, args, device) for p in paths}
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    clock = PhaseClock(sync)
    for run in runs.values():
        run['rounds'] = dict(wall={k: [] for k in PHASES},
                             cpu={k: [] for k in PHASES})
        run['calls'] = dict(saliency=[], mask=[])
    with instrumented([r['model'] for r in runs.values()], clock):
        for rnd in range(args.warmup + args.reps):
            order = paths[rnd % len(paths):] + paths[:rnd % len(paths)]
            for path in order:
                run = runs[path]
                np.random.seed(args.seed + rnd)
                torch.manual_seed(args.seed + rnd)
                clock.reset()
                sync()
                t0, c0 = time.perf_counter(), time.process_time()
                run['model'].train_step(run['data'], run['optim'])
                sync()
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                if rnd < args.warmup:
                    continue
                for kind, total, parts in (('wall', wall, clock.wall),
                                           ('cpu', cpu, clock.cpu)):
                    times = run['rounds'][kind]
                    times['total'].append(total)
                    times['rest'].append(total - sum(parts.values()))
                    for phase, seconds in parts.items():
                        times[phase].append(seconds)
                for phase, count in clock.calls.items():
                    run['calls'][phase].append(count)
    return runs


def rows_of(runs: Dict[str, dict], baseline: str) -> List[dict]:
    base = {kind: statistics.median(runs[baseline]['rounds'][kind]['total'])
            for kind in ('wall', 'cpu')}
    rows = []
    for path, run in runs.items():
        row = dict(config=osp.relpath(path), method=run['method'],
                   batch=run['batch'], calls_per_step=run['calls'],
                   rounds=run['rounds'])
        for kind in ('wall', 'cpu'):
            med = {k: statistics.median(v)
                   for k, v in run['rounds'][kind].items()}
            row[f'{kind}_s'] = med
            row[f'{kind}_vs_vanilla'] = {k: v / base[kind]
                                         for k, v in med.items()}
        rows.append(row)
    return rows


def markdown(rows: List[dict], meta: dict) -> str:
    lines = [f'{meta["machine"]}; torch {meta["torch"]}, {meta["threads"]} '
             f'thread(s), device {meta["device"]}; batch {meta["batch"]} of '
             f'{meta["image"]} images; median of {meta["reps"]} interleaved '
             f'rounds after {meta["warmup"]} warm-up round(s); ratios are to '
             f'the vanilla step `{meta["baseline"]}`.']
    for kind, title in (('wall', 'Wall time'), ('cpu', 'Process CPU time')):
        lines += ['', f'{title}, s (× vanilla step):', '',
                  '| method | config | ' + ' | '.join(
                      TITLES[p] for p in PHASES) + ' |',
                  '|---|---|' + '---|' * len(PHASES)]
        for r in rows:
            cells = []
            for p in PHASES:
                idle = p in ('saliency', 'mask') and not any(
                    r['calls_per_step'][p])
                cells.append('—' if idle else f'{r[f"{kind}_s"][p]:.3f} '
                             f'({r[f"{kind}_vs_vanilla"][p]:.2f}×)')
            name = osp.splitext(osp.basename(r['config']))[0]
            lines.append(f'| {r["method"]} | `{name}` | ' + ' | '.join(cells)
                         + ' |')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """``tools/analysis/benchmark_saliency.py``; returns ``{meta, rows}``."""
    args = parse_args(argv)
    quiet_setup(args.threads, 'benchmark_saliency')
    baseline = in_root(args.baseline)
    paths = [baseline] + [p for p in expand(in_root(c) for c in args.configs)
                          if osp.abspath(p) != osp.abspath(baseline)]
    device = torch.device(args.device)
    runs = measure(paths, args, device)
    rows = rows_of(runs, baseline)
    h, w = runs[baseline]['data']['inputs'][0].shape[-2:]
    meta = dict(machine=machine(args.device), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device,
                batch=args.batch_size, image=f'{h}×{w}', reps=args.reps,
                warmup=args.warmup, seed=args.seed,
                cfg_options=dict(args.cfg_options),
                baseline=osp.relpath(baseline))
    table = markdown(rows, meta)
    print(table)
    if args.out:
        with open(args.out + '.md', 'w') as f:
            f.write(table + '\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(meta=meta, rows=rows), f, indent=2)
    return dict(meta=meta, rows=rows)

