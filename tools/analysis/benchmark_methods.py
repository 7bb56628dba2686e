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

**ImageNet suite** (``--suite imagenet-r50``): the methods of the GPU speed
table of Venkataramanan, Kijak, Amsaleg and Avrithis, "Teach me how to
Interpolate a Myriad of Embeddings", arXiv:2206.14868, 2022 (the version with
self-distillation of "Embedding Space Interpolation Beyond Mini-Batch, Beyond
Pairs and Beyond Examples", NeurIPS 2023), Tables 2 and 6 (ResNet-50,
224×224, images/s on a V100),
plus R-Mix, AutoMix and SAMix, at ResNet-50 / 224 px / 1000 classes. A
method with a ``configs/*/*_resnet50_*_in1k.py`` config uses it; the
others take their CIFAR-100 config's mixing policy (and modifiers) on the
ResNet-50 ImageNet model and pipeline of those configs, PuzzleMix with the
neighbourhood and transport blocks of its authors' ImageNet code (the
output says which). The table gives images/s, the throughput ratio to vanilla
(= vanilla's step time / the method's), peak CUDA memory, the paper's ratio
(its images/s over its baseline's) and the speed goals of this toolbox.
On CUDA each step is timed with CUDA events (and ``perf_counter`` after a
``torch.cuda.synchronize``); ``--amp`` trains under float16 autocast with
mmengine's ``AmpOptimWrapper`` (bfloat16 ``BF16OptimWrapper`` on a CPU).

Example (the table of docs/benchmarks.md)::

    python tools/analysis/benchmark_methods.py \\
        'configs/*/*_preactresnet18_*_cifar100.py' --batch-size 128 \\
        --reps 3 \\
        --threads 1 --out work_dirs/benchmarks/methods_preactresnet18_cifar100

The GPU table (tools/dev/gpu_check.sh runs it)::

    python tools/analysis/benchmark_methods.py --suite imagenet-r50 \\
        --device cuda --batch-size 128 [--amp] --out work_dirs/gpu_r50
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

# --suite imagenet-r50: (method, configs/ path). A ResNet-50 ImageNet config
# (*_resnet50_*_in1k.py) is used as it is; a CIFAR-100 config lends its
# mixing policy and modifiers to the ResNet-50 ImageNet model / pipeline of
# R50_IMAGENET.
R50_IMAGENET = 'configs/multimix/multimix_resnet50_8xb128-300e_in1k.py'
IMAGENET_SUITE = [
    ('vanilla',
     'configs/vanilla/vanilla_preactresnet18_1xb128-2000e_cifar100.py'),
    ('mixup', 'configs/mixup/mixup_preactresnet18_1xb100-800e_cifar100.py'),
    ('cutmix',
     'configs/cutmix/cutmix_preactresnet18_1xb100-800e_cifar100.py'),
    ('manifoldmix',
     'configs/manifoldmix/manifoldmix_preactresnet18_1xb100-800e_cifar100.py'),
    ('multimix', 'configs/multimix/multimix_resnet50_8xb128-300e_in1k.py'),
    ('multimix_dense',
     'configs/multimix/multimix-dense_resnet50_8xb128-300e_in1k.py'),
    ('multimix_distil',
     'configs/multimix/multimix-distil_resnet50_8xb128-300e_in1k.py'),
    ('multimix_dense_distil',
     'configs/multimix/multimix-dense-distil_resnet50_8xb128-300e_in1k.py'),
    ('puzzlemix',
     'configs/puzzlemix/puzzlemix_preactresnet18_1xb100-800e_cifar100.py'),
    ('comixup',
     'configs/comixup/comixup_preactresnet18_1xb100-800e_cifar100.py'),
    ('rmix', 'configs/rmix/rmix_preactresnet18_1xb100-300e_cifar100.py'),
    ('automix', 'configs/automix/automix_resnet50_8xb32-300e_in1k.py'),
    ('samix', 'configs/samix/samix_resnet50_8xb32-300e_in1k.py'),
]
# ResNet-50 training speed (images/s, x 10^3, one V100, forward + backward)
# of Venkataramanan et al. (arXiv:2206.14868) Tables 2 and 6; the ratio to
# their baseline (1.17) is what compares across GPUs.
PAPER_R50_KIMG_S = {'vanilla': 1.17, 'mixup': 1.14, 'cutmix': 1.16,
                    'manifoldmix': 1.15, 'puzzlemix': 0.84, 'comixup': 0.62,
                    'multimix': 1.16, 'multimix_distil': 1.06,
                    'multimix_dense': 0.95, 'multimix_dense_distil': 0.83}
# the paper's row names
LABELS = {'multimix_dense': 'MultiMix + dense',
          'multimix_distil': 'MultiMix + distil',
          'multimix_dense_distil': 'MultiMix + dense + distil'}
# speed goals of this toolbox (throughput relative to vanilla on the same
# GPU and batch): (lowest ratio, what it stands for). + distil: 0.9 x the
# paper's own ratio; SAMix: a step at most 2.2 x vanilla's.
GOALS = {'multimix': (0.97, '>= 0.97x'),
         'multimix_dense': (0.85, '>= 0.85x'),
         'multimix_distil': (0.9 * PAPER_R50_KIMG_S['multimix_distil']
                             / PAPER_R50_KIMG_S['vanilla'],
                             '>= 0.82x (0.9 x paper)'),
         'puzzlemix': (0.8, '>= 0.8x'),
         'comixup': (0.6, '>= 0.6x'),
         'samix': (1 / 2.2, 'step <= 2.2x')}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Median training-step time (wall and CPU) and peak '
        'memory of method configs relative to a vanilla config, measured '
        'interleaved in one process on a random batch; writes a Markdown '
        'table and JSON. See the module docstring for what is measured.')
    parser.add_argument('configs', nargs='*', help='method config files or '
                        'glob patterns (quoted globs are expanded here)')
    parser.add_argument('--suite', choices=['imagenet-r50'],
                        help='instead of CONFIGS: the methods of the GPU '
                        'speed table (vanilla, Mixup, CutMix, ManifoldMix, '
                        'MultiMix and its dense / distil variants, PuzzleMix,'
                        ' Co-Mixup, R-Mix, AutoMix, SAMix) at ResNet-50, '
                        '224 px, 1000 classes, beside the published ratios')
    parser.add_argument('--methods', nargs='+', metavar='NAME',
                        help='with --suite: only these methods (vanilla is '
                        'always included)')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: float16 autocast with '
                        'loss scaling (AmpOptimWrapper) on CUDA, bfloat16 '
                        '(BF16OptimWrapper) on a CPU')
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
    if bool(args.configs) == bool(args.suite):
        parser.error('give CONFIGS or --suite (one of them)')
    names = [name for name, _ in IMAGENET_SUITE]
    for name in args.methods or []:
        if name not in names:
            parser.error(f'--methods: unknown method {name!r}; choose from '
                         f'{names}')
    if args.methods and not args.suite:
        parser.error('--methods needs --suite')
    if args.device == 'cuda' and not torch.cuda.is_available():
        parser.error('--device cuda: CUDA is not available (torch '
                     f'{torch.__version__})')
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
    """configs/vanilla/vanilla_<model>_<setting>_<dataset>.py for
    configs/<method>/<method>_<model>_<setting>_<dataset>.py (the same
    backbone and dataset; the one vanilla config of that pair)."""
    parts = osp.basename(config)[:-len('.py')].split('_')
    model, dataset = parts[1:2] or [''], parts[-1]
    root = osp.dirname(osp.dirname(osp.abspath(config)))
    found = sorted(glob.glob(osp.join(
        root, 'vanilla', f'vanilla_{model[0]}_*_{dataset}.py')))
    if len(found) != 1:
        raise FileNotFoundError(
            f'no single vanilla config configs/vanilla/vanilla_{model[0]}_*_'
            f'{dataset}.py for {config} (found {len(found)}); give one with '
            '--baseline')
    return found[0]


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


def optim_config(cfg, amp: bool, device):
    """The config's optimiser wrapper, or its mixed-precision version."""
    optim = copy.deepcopy(cfg.optim_wrapper)
    if amp:
        optim.update(type='AmpOptimWrapper', dtype='float16') \
            if device.type == 'cuda' else optim.update(
                type='BF16OptimWrapper')
    return optim


def build(path, args, device):
    """Model, optimiser wrapper and a random batch of a config (a path or a
    loaded ``Config``)."""
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper

    from mixtoolbox.registry import MODELS
    cfg = Config.fromfile(path) if isinstance(path, str) else path
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    model.init_weights()
    model.to(device).train()
    optim = build_optim_wrapper(model, optim_config(cfg, args.amp, device))
    data = random_batch(cfg, args.batch_size, args.image_size, args.seed)
    return dict(model=model, optim=optim, data=data,
                batch=len(data['data_samples']))


def _set_crop(node, size: int) -> None:
    """Every RandomResizedCrop of a pipeline (also inside MultiView) crops
    to ``size``."""
    if isinstance(node, dict):
        if node.get('type') == 'RandomResizedCrop':
            node['scale'] = size
        for value in node.values():
            _set_crop(value, size)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _set_crop(value, size)


def _fit_policy(policy, size: int) -> list:
    """ImageNet settings of the CIFAR mixing policies, in place; returns what
    was changed (for the output). PuzzleMix: the official ImageNet code of
    Kim et al. (ICML 2020, github.com/snu-mllab/PuzzleMix, imagenet/)
    uses a neighbourhood of at most 2 px and transports the mask's own
    blocks (t_size = the block size), with the CIFAR block counts."""
    notes = []
    for mix in policy:
        if mix.get('type') != 'PuzzleMix':
            continue
        mix['neigh_size'] = min(mix.get('neigh_size', 2), 2)
        mix['t_size'] = size  # t_size is capped at the block size
        blocks = mix.get('block_nums', (2, 4, 8, 16))
        bad = [b for b in blocks if size % b or (size // b) % 2]
        if bad:
            raise ValueError(f'PuzzleMix: block_nums {bad} do not tile '
                             f'{size} px into even blocks')
        notes.append('PuzzleMix with the official ImageNet neigh_size=2 and '
                     'transport on the mask blocks (t_size >= block size)')
    return notes


def suite_configs(args, root: str):
    """``[(method, Config, source note)]`` of ``--suite imagenet-r50``."""
    from mmengine.config import Config
    wanted = set(args.methods or [m for m, _ in IMAGENET_SUITE])
    wanted.add('vanilla')
    size = args.image_size[0] if args.image_size else 224
    base = Config.fromfile(osp.join(root, R50_IMAGENET))
    out = []
    for method, rel in IMAGENET_SUITE:
        if method not in wanted:
            continue
        src = Config.fromfile(osp.join(root, rel))
        if '_resnet50_' in rel and rel.endswith('_in1k.py'):
            cfg, note = src, f'`{rel}`'
        else:
            cfg = copy.deepcopy(base)
            cfg.model.mix_policy = copy.deepcopy(
                src.model.get('mix_policy', []))
            cfg.model.pop('modifiers', None)
            if 'modifiers' in src.model:
                cfg.model.modifiers = copy.deepcopy(src.model.modifiers)
            policy = [dict(m) for m in cfg.model.mix_policy]
            changes = _fit_policy(policy, size)
            cfg.model.mix_policy = policy
            note = (f'`{rel}` policy on the ResNet-50 ImageNet model and '
                    f'pipeline of `{R50_IMAGENET}`'
                    + ''.join(f'; {c}' for c in changes))
        if args.image_size:
            _set_crop(cfg.train_dataloader, size)
        out.append((method, cfg, note))
    return out


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


def measure(paths, args, device, configs=None):
    """{key: {wall_s, cpu_s, cuda_s, peak_mib, batch}} (medians); a key is a
    config path, or a name of ``configs`` (name -> Config)."""
    configs = configs or {}
    runs = {p: build(configs.get(p, p), args, device) for p in paths}
    cuda = device.type == 'cuda'
    sync = torch.cuda.synchronize if cuda else (lambda: 0)
    for run in runs.values():
        run['step'] = (lambda r: lambda: (r['model'].train_step(
            r['data'], r['optim']), sync()))(run)
        run['wall'], run['cpu'], run['cuda'] = [], [], []
    for rnd in range(args.warmup + args.reps):
        order = paths[rnd % len(paths):] + paths[:rnd % len(paths)]
        for path in order:
            run = runs[path]
            sync()
            if cuda:
                start, end = (torch.cuda.Event(enable_timing=True)
                              for _ in range(2))
                start.record()
            t0, c0 = time.perf_counter(), time.process_time()
            run['step']()  # ends with a synchronize on CUDA
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if cuda:
                end.record()
                end.synchronize()
            if rnd >= args.warmup:
                run['wall'].append(wall)
                run['cpu'].append(cpu)
                if cuda:
                    run['cuda'].append(start.elapsed_time(end) / 1e3)
    results = {}
    for path, run in runs.items():
        results[path] = dict(
            batch=run['batch'], wall_s=statistics.median(run['wall']),
            cpu_s=statistics.median(run['cpu']), wall_all_s=run['wall'],
            cuda_s=statistics.median(run['cuda']) if cuda else None,
            peak_mib=None if args.no_memory else peak_memory_mib(run, device))
        del run['model'], run['optim']  # free the device for the next
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


def suite_markdown(rows, meta):
    """The --suite table: throughput and memory beside the paper's ratio
    and the goal."""
    cuda = meta['device'] == 'cuda'
    lines = [f'{meta["machine"]}; torch {meta["torch"]}, device '
             f'{meta["device"]}, {meta["precision"]}, batch {meta["batch"]}'
             f', {meta["image_size"]} px; median of {meta["reps"]} '
             f'interleaved rounds after {meta["warmup"]} warm-up round(s); '
             f'{meta["date"]}.', '',
             '| method | step (ms) | images/s | vs vanilla | paper (V100) '
             '| goal | peak memory (MiB) | config |',
             '|---|---|---|---|---|---|---|---|']
    for r in rows:
        paper = '-' if r['paper_ratio'] is None else \
            f'{r["paper_ratio"]:.2f}×'
        goal = '-' if r['goal'] is None else \
            f'{r["goal"]}: {"met" if r["goal_met"] else "**missed**"}'
        mem = '-' if r['peak_mib'] is None else f'{r["peak_mib"]:.0f}'
        lines.append(f'| {LABELS.get(r["method"], r["method"])} | '
                     f'{r["wall_s"] * 1e3:.1f} | '
                     f'{r["images_per_s"]:.1f} | {r["vs_vanilla"]:.2f}× | '
                     f'{paper} | {goal} | {mem} | {r["source"]} |')
    lines += ['', '"vs vanilla": images/s over vanilla\'s (vanilla\'s step '
              'time / the method\'s), measured side by side. "paper": '
              'images/s over the baseline\'s in Venkataramanan et al., '
              'arXiv:2206.14868, Tables 2 and 6 (ResNet-50, one V100). '
              + ('Step time: wall clock around train_step with a '
                 'torch.cuda.synchronize (CUDA events agree within the '
                 'JSON\'s cuda_s); peak memory: '
                 'torch.cuda.max_memory_allocated over the step, reset per '
                 'method.' if cuda else 'Peak memory: live CPU tensor '
                 'memory of the step (torch.profiler).')]
    return '\n'.join(lines)


def run_suite(args, device):
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    items = suite_configs(args, root)
    configs = {method: cfg for method, cfg, _ in items}
    names = list(configs)
    for method, _, note in items:
        print(f'[suite] {method}: {note}', flush=True)
    if args.device == 'cuda':
        torch.backends.cudnn.benchmark = True
    results = measure(names, args, device, configs)
    base = results['vanilla']
    rows = []
    for (method, _, note) in items:
        r = dict(method=method, source=note, **results[method])
        r['images_per_s'] = r['batch'] / r['wall_s']
        r['vs_vanilla'] = base['wall_s'] / r['wall_s'] * (
            r['batch'] / base['batch'])
        paper = PAPER_R50_KIMG_S.get(method)
        r['paper_ratio'] = None if paper is None else \
            paper / PAPER_R50_KIMG_S['vanilla']
        goal = GOALS.get(method)
        r['goal'] = None if goal is None else goal[1]
        r['goal_ratio'] = None if goal is None else goal[0]
        r['goal_met'] = None if goal is None else r['vs_vanilla'] >= goal[0]
        rows.append(r)
    precision = 'fp32' if not args.amp else (
        'float16 autocast (AmpOptimWrapper)' if args.device == 'cuda'
        else 'bfloat16 autocast (BF16OptimWrapper)')
    meta = dict(machine=machine(args), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device,
                reps=args.reps, warmup=args.warmup, suite=args.suite,
                precision=precision, batch=base['batch'],
                image_size=args.image_size[0] if args.image_size else 224,
                cudnn_benchmark=args.device == 'cuda',
                date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()))
    return rows, meta, suite_markdown(rows, meta)


def main(argv=None):
    args = parse_args(argv)
    quiet_setup(args.threads, 'benchmark_methods')
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = torch.device(args.device)
    if args.suite:
        rows, meta, table = run_suite(args, device)
    else:
        rows, meta, table = run_configs(args, device)
    print(table)
    if args.out:
        with open(args.out + '.md', 'w') as f:
            f.write(table + '\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(meta=meta, rows=rows), f, indent=2)
    return dict(meta=meta, rows=rows)


def run_configs(args, device):
    paths = expand(args.configs)
    baseline = args.baseline or default_baseline(paths[0])
    paths = [baseline] + [p for p in paths
                          if osp.abspath(p) != osp.abspath(baseline)]
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
                reps=args.reps, warmup=args.warmup, amp=args.amp,
                baseline=osp.relpath(baseline), baseline_batch=base['batch'])
    return rows, meta, markdown(rows, meta)


if __name__ == '__main__':
    main()
