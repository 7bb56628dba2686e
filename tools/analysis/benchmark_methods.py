#!/usr/bin/env python
"""Training-step time and peak memory of method configs, relative to vanilla.

Each config's model is built from its ``model`` (with the config's
``data_preprocessor``, as the Runner does) and optimiser wrapper; a random
batch of the config's image size and batch size (``--batch-size``
overrides) goes through the config's own train pipeline (loading transforms
dropped), so multi-view configs get their views. One round runs one
``model.train_step(data, optim_wrapper)`` of every config, in a rotating
order, so that load from other processes slows all configs alike; the table
reports per-config medians over the timed rounds and their ratios to the
baseline (vanilla) config.

What is measured:

- **wall**: ``time.perf_counter`` around ``train_step`` (on CUDA, after a
  ``torch.cuda.synchronize``); **CPU**: ``time.process_time``, the CPU time
  of all threads of this process, which does not grow while waiting for a
  core on a busy machine;
- **peak memory**: after the timed rounds, one more step per config. On
  CUDA, ``torch.cuda.max_memory_allocated`` minus the allocation before the
  step. On CPU, the peak of the running sum of the allocations and frees
  that torch's CPU allocator reports to ``torch.profiler``
  (``profile_memory=True``) during the step: the largest growth of live
  tensor memory, independent of the other models in the process and of the
  allocator's caching (resident-set size is neither).

Example (the table of docs/benchmarks.md)::

    python tools/analysis/benchmark_methods.py \\
        'configs/*/preactresnet18_cifar100_*.py' --batch-size 128 --reps 3 \\
        --threads 1 --out work_dirs/benchmarks/methods_preactresnet18_cifar100
"""
import argparse
import copy
import glob
import json
import os
import os.path as osp
import platform
import statistics
import time

import numpy as np
import torch

# raw image (H, W, C) each dataset type hands to its pipeline
IMAGE_SHAPES = {'CIFAR10': (32, 32, 3), 'CIFAR100': (32, 32, 3),
                'MNIST': (28, 28, 1), 'FashionMNIST': (28, 28, 1)}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Median training-step time (wall and CPU) and peak '
        'memory of method configs relative to a vanilla config, measured '
        'interleaved in one process on a random batch; writes a Markdown '
        'table and JSON. See the module docstring for what is measured.')
    parser.add_argument('configs', nargs='+', help='method config files or '
                        'glob patterns (quoted globs are expanded here)')
    parser.add_argument('--baseline', help='the vanilla config the ratios '
                        'refer to (default: configs/vanilla/<model>_<dataset>'
                        '_vanilla.py named after the first config)')
    parser.add_argument('--batch-size', type=int, help='batch size for every '
                        'config (default: each config\'s own)')
    parser.add_argument('--image-size', type=int, nargs=2, metavar=('H', 'W'),
                        help='raw image size fed to the pipeline (default: '
                        '32 32 for CIFAR, 28 28 for (Fashion-)MNIST, 224 224 '
                        'otherwise)')
    parser.add_argument('--reps', type=int, default=5,
                        help='timed rounds; medians are reported (default 5)')
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed rounds first (default 1)')
    parser.add_argument('--threads', type=int,
                        help='torch intra-op threads (default: torch\'s)')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--no-memory', action='store_true',
                        help='skip the peak-memory step')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='write OUT.md and OUT.json')
    args = parser.parse_args(argv)
    for name in ('reps', 'batch_size'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{value}')
    if args.warmup < 0:
        parser.error(f'--warmup must be >= 0, got {args.warmup}')
    return args


def expand(patterns):
    paths = []
    for pattern in patterns:
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) \
            else [pattern]
        for path in found:
            if not osp.isfile(path):
                raise FileNotFoundError(f'config not found: {path}')
            if path not in paths:
                paths.append(path)
    return paths


def default_baseline(config):
    """configs/vanilla/<model>_<dataset>_vanilla.py for
    configs/<method>/<model>_<dataset>_<method>[_variant].py."""
    model, dataset = osp.basename(config).split('_')[:2]
    root = osp.dirname(osp.dirname(osp.abspath(config)))
    path = osp.join(root, 'vanilla', f'{model}_{dataset}_vanilla.py')
    if not osp.isfile(path):
        raise FileNotFoundError(f'no vanilla config {path} for {config}; '
                                'give one with --baseline')
    return path


def random_batch(cfg, batch_size, image_size, seed):
    """A collated batch of random images and labels through the config's
    train pipeline."""
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import FUNCTIONS
    loader = cfg.train_dataloader
    dataset = loader.dataset
    while 'pipeline' not in dataset and 'dataset' in dataset:
        dataset = dataset.dataset  # dataset wrappers
    pipeline = Compose([t for t in dataset.get('pipeline', [])
                        if not t['type'].startswith('LoadImage')])
    h, w, c = IMAGE_SHAPES.get(dataset.get('type'), (224, 224, 3))
    if image_size:
        h, w = image_size
    num_classes = cfg.model.head.num_classes
    rng = np.random.RandomState(seed)
    samples = []
    for i in range(batch_size or loader.batch_size):
        shape = (h, w) if c == 1 else (h, w, c)
        img = rng.randint(0, 256, shape, dtype=np.uint8)
        samples.append(pipeline(dict(
            img=img, img_shape=(h, w), ori_shape=(h, w), sample_idx=i,
            gt_label=np.array(rng.randint(num_classes), dtype=np.int64))))
    collate = loader.get('collate_fn', dict(type='pseudo_collate'))
    if collate['type'] == 'pseudo_collate':
        return pseudo_collate(samples)
    return FUNCTIONS.get(collate['type'])(samples)


def build(path, args, device):
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper

    from mixtoolbox.registry import MODELS
    cfg = Config.fromfile(path)
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    model.init_weights()
    model.to(device).train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    data = random_batch(cfg, args.batch_size, args.image_size, args.seed)
    return dict(model=model, optim=optim, data=data,
                batch=len(data['data_samples']))


def peak_memory_mib(run, device):
    """Peak growth of live tensor memory (MiB) during one training step."""
    step = run['step']
    if device.type == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        step()
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as p:
        step()
    events = sorted((e.start_ns(), e.nbytes())
                    for e in p.profiler.kineto_results.events()
                    if e.name() == '[memory]'
                    and e.device_type() == torch.autograd.DeviceType.CPU)
    live = peak = 0
    for _, nbytes in events:
        live += nbytes
        peak = max(peak, live)
    return peak / 2**20


def measure(paths, args, device):
    """{path: {wall_s, cpu_s, peak_mib, batch}} (medians)."""
    runs = {p: build(p, args, device) for p in paths}
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: 0)
    for run in runs.values():
        run['step'] = (lambda r: lambda: (r['model'].train_step(
            r['data'], r['optim']), sync()))(run)
        run['wall'], run['cpu'] = [], []
    for rnd in range(args.warmup + args.reps):
        order = paths[rnd % len(paths):] + paths[:rnd % len(paths)]
        for path in order:
            run = runs[path]
            t0, c0 = time.perf_counter(), time.process_time()
            run['step']()
            if rnd >= args.warmup:
                run['wall'].append(time.perf_counter() - t0)
                run['cpu'].append(time.process_time() - c0)
    results = {}
    for path, run in runs.items():
        results[path] = dict(
            batch=run['batch'], wall_s=statistics.median(run['wall']),
            cpu_s=statistics.median(run['cpu']), wall_all_s=run['wall'],
            peak_mib=None if args.no_memory else peak_memory_mib(run, device))
    return results


def machine(args):
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    cpu += f' ({os.cpu_count()} logical CPUs)'
    if args.device == 'cuda':
        cpu += f'; GPU {torch.cuda.get_device_name()}'
    return cpu


def markdown(rows, meta):
    lines = [f'{meta["machine"]}; torch {meta["torch"]}, {meta["threads"]} '
             f'thread(s), device {meta["device"]}; median of {meta["reps"]} '
             f'interleaved rounds after {meta["warmup"]} warm-up round(s); '
             f'baseline `{meta["baseline"]}`.', '',
             '| config | batch | wall (s) | wall vs vanilla | CPU (s) '
             '| CPU vs vanilla | peak step memory (MiB) | memory vs vanilla |',
             '|---|---|---|---|---|---|---|---|']
    for r in rows:
        mem = '-' if r['peak_mib'] is None else f'{r["peak_mib"]:.0f}'
        mem_ratio = '-' if r['peak_mib'] is None else \
            f'{r["peak_mib_vs_baseline"]:.2f}×'
        batch = f'{r["batch"]}' + ('' if r['batch'] == meta['baseline_batch']
                                   else ' †')
        lines.append(f'| `{r["config"]}` | {batch} | {r["wall_s"]:.3f} | '
                     f'{r["wall_vs_baseline"]:.2f}× | {r["cpu_s"]:.3f} | '
                     f'{r["cpu_vs_baseline"]:.2f}× | {mem} | {mem_ratio} |')
    if any(r['batch'] != meta['baseline_batch'] for r in rows):
        lines += ['', '† batch differs from the baseline\'s: the ratio '
                  'compares steps of different sizes (use --batch-size).']
    return '\n'.join(lines)


def quiet_setup(threads, name: str) -> None:
    """Torch threads, the toolbox's registries (default scope) and a quiet
    current logger, shared by the benchmark tools."""
    if threads:
        torch.set_num_threads(threads)
    from mmengine.logging import MMLogger

    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    # a current logger at WARNING keeps init_weights' per-parameter report
    # of every model out of the output
    MMLogger.get_instance(name, log_level='WARNING')


def main(argv=None):
    args = parse_args(argv)
    quiet_setup(args.threads, 'benchmark_methods')
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    paths = expand(args.configs)
    baseline = args.baseline or default_baseline(paths[0])
    paths = [baseline] + [p for p in paths
                          if osp.abspath(p) != osp.abspath(baseline)]
    device = torch.device(args.device)
    results = measure(paths, args, device)
    base = results[baseline]
    rows = []
    for path in paths:
        r = dict(config=osp.relpath(path), **results[path])
        r['wall_vs_baseline'] = r['wall_s'] / base['wall_s']
        r['cpu_vs_baseline'] = r['cpu_s'] / base['cpu_s']
        if r['peak_mib'] is not None:
            r['peak_mib_vs_baseline'] = r['peak_mib'] / base['peak_mib']
        rows.append(r)
    meta = dict(machine=machine(args), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device,
                reps=args.reps, warmup=args.warmup,
                baseline=osp.relpath(baseline), baseline_batch=base['batch'])
    table = markdown(rows, meta)
    print(table)
    if args.out:
        with open(args.out + '.md', 'w') as f:
            f.write(table + '\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(meta=meta, rows=rows), f, indent=2)
    return dict(meta=meta, rows=rows)


if __name__ == '__main__':
    main()
