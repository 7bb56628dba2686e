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
method with a ``configs/*/resnet50_imagenet_*.py`` config uses it; the
others take their CIFAR-100 config's mixing policy (and modifiers) on the
ResNet-50 ImageNet model and pipeline of those configs, PuzzleMix with the
neighbourhood and transport blocks of its authors' ImageNet code (the
output says which). The table gives images/s, the throughput ratio to vanilla
(= vanilla's step time / the method's), peak CUDA memory, the paper's ratio
(its images/s over its baseline's) and the speed goals of this toolbox.
On CUDA each step is timed with CUDA events (and ``perf_counter`` after a
``torch.cuda.synchronize``); ``--amp`` trains under float16 autocast with
mmengine's ``AmpOptimWrapper`` (bfloat16 ``BF16OptimWrapper`` on a CPU).

**MultiMix suite** (``--suite multimix-r18``): vanilla, MultiMix and Dense
MultiMix alone (n = 1000, every step) and both with self-distillation on the
PreActResNet-18 CIFAR-100 model (32 px, 100 classes, batch 128 with
``--batch-size 128``), against this toolbox's CPU step-time goals (MultiMix
<= 1.05x, Dense MultiMix <= 1.15x, + self-distillation <= 1.5x of vanilla).
``--dense-head-imagenet`` adds the size of the Dense MultiMix head's tensors
at ImageNet scale and one measured forward + backward of that head alone
(same peak-memory method as the steps).

The command line is ``tools/analysis/benchmark_methods.py``.

Example (the table of docs/benchmarks.md)::

    python tools/analysis/benchmark_methods.py \\
        'configs/*/preactresnet18_cifar100_*.py' --batch-size 128 --reps 3 \\
        --threads 1 --out work_dirs/benchmarks/methods_preactresnet18_cifar100

The GPU table (tools/dev/gpu_check.sh runs it)::

    python tools/analysis/benchmark_methods.py --suite imagenet-r50 \\
        --device cuda --batch-size 128 [--amp] --out work_dirs/gpu_r50

The MultiMix CPU table (docs/methods/embedding_mixups.md)::

    python tools/analysis/benchmark_methods.py --suite multimix-r18 \\
        --batch-size 128 --reps 12 --threads 2 --dense-head-imagenet
"""
import argparse
import copy
import glob
import json
import os.path as osp
import re
import statistics
import time
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
import torch

from .common import expand, in_root, machine, quiet_setup, random_batch
from .timing_args import add_timing_args, check_timing_args

if TYPE_CHECKING:
    from mmengine.config import Config

# --suite imagenet-r50: (method, configs/ path). A resnet50_imagenet config
# is used as it is; a CIFAR-100 config lends its mixing policy and modifiers
# to the ResNet-50 ImageNet model / pipeline of R50_IMAGENET.
R50_IMAGENET = 'configs/multimix/multimix_resnet50_8xb128-300e_in1k.py'
IMAGENET_SUITE = [
    ('vanilla', 'configs/vanilla/vanilla_preactresnet18_1xb128-2000e_cifar100.py'),  # noqa: E501
    ('mixup', 'configs/mixup/mixup_preactresnet18_1xb100-800e_cifar100.py'),
    ('cutmix', 'configs/cutmix/cutmix_preactresnet18_1xb100-800e_cifar100.py'),
    ('manifoldmix',
     'configs/manifoldmix/manifoldmix_preactresnet18_1xb100-800e_cifar100.py'),
    ('multimix', 'configs/multimix/multimix_resnet50_8xb128-300e_in1k.py'),
    ('multimix_dense',
     'configs/multimix/multimix-dense_resnet50_8xb128-300e_in1k.py'),
    ('multimix_distil',
     'configs/multimix/multimix-distil_resnet50_8xb128-300e_in1k.py'),
    ('multimix_dense_distil',
     'configs/multimix/multimix-dense-distil_resnet50_8xb128-300e_in1k.py'),
    ('puzzlemix', 'configs/puzzlemix/puzzlemix_preactresnet18_1xb100-800e_cifar100.py'),  # noqa: E501
    ('comixup', 'configs/comixup/comixup_preactresnet18_1xb100-800e_cifar100.py'),  # noqa: E501
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

# --suite multimix-r18: MultiMix and Dense MultiMix alone (every step,
# n = 1000 tuples, the defaults of Venkataramanan et al., arXiv:2206.14868,
# App. A.1), with and without self-distillation, on the PreActResNet-18
# CIFAR-100 model of R18_CIFAR100; the +distil methods take the two-view
# pipeline, data preprocessor and SelfDistill modifier of R18_DISTIL.
R18_CIFAR100 = 'configs/vanilla/vanilla_preactresnet18_1xb128-2000e_cifar100.py'  # noqa: E501
R18_DISTIL = 'configs/multimix/multimix-distil_preactresnet18_1xb128-2000e_cifar100.py'  # noqa: E501
MULTIMIX_SUITE = [
    ('vanilla', []),
    ('multimix', [dict(type='MultiMix', n=1000)]),
    ('multimix_dense', [dict(type='DenseMultiMix', n=1000)]),
    ('multimix_distil', [dict(type='MultiMix', n=1000)]),
    ('multimix_dense_distil', [dict(type='DenseMultiMix', n=1000)]),
]
# speed goals of this toolbox for MultiMix on a CPU (step time relative to
# vanilla's): MultiMix <= 1.05x, Dense MultiMix (r = 16) <= 1.15x,
# + self-distillation <= 1.5x; as throughput ratios like GOALS
MULTIMIX_GOALS = {'multimix': (1 / 1.05, 'step <= 1.05x'),
                  'multimix_dense': (1 / 1.15, 'step <= 1.15x'),
                  'multimix_distil': (1 / 1.5, 'step <= 1.5x'),
                  'multimix_dense_distil': (1 / 1.5, 'step <= 1.5x')}
# suite -> (method names, default image side, published ratios, goals)
SUITES = {
    'imagenet-r50': ([m for m, _ in IMAGENET_SUITE], 224, PAPER_R50_KIMG_S,
                     GOALS),
    'multimix-r18': ([m for m, _ in MULTIMIX_SUITE], 32, {}, MULTIMIX_GOALS),
}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Median training-step time (wall and CPU) and peak '
        'memory of method configs relative to a vanilla config, measured '
        'interleaved in one process on a random batch; writes a Markdown '
        'table and JSON. See the module docstring for what is measured.')
    parser.add_argument('configs', nargs='*', help='method config files or '
                        'glob patterns (quoted globs are expanded here)')
    parser.add_argument('--suite', choices=sorted(SUITES),
                        help='instead of CONFIGS: imagenet-r50 = the methods '
                        'of the GPU speed table (vanilla, Mixup, CutMix, '
                        'ManifoldMix, MultiMix and its dense / distil '
                        'variants, PuzzleMix, Co-Mixup, R-Mix, AutoMix, '
                        'SAMix) at ResNet-50, 224 px, 1000 classes, beside '
                        'the published ratios; multimix-r18 = MultiMix and '
                        'Dense MultiMix alone (n = 1000), with and without '
                        'self-distillation, at PreActResNet-18, 32 px, 100 '
                        'classes, against their step-time goals')
    parser.add_argument('--methods', nargs='+', metavar='NAME',
                        help='with --suite: only these methods (vanilla is '
                        'always included)')
    parser.add_argument('--dense-head-imagenet', action='store_true',
                        help='also (or, without CONFIGS and --suite, only) '
                        'size the tensors of the Dense MultiMix head at '
                        'ImageNet scale (m = 128, d = 2048, r = 49, c = 1000,'
                        ' n = 1000) and time one forward + backward of that '
                        'head alone, with its peak memory')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: float16 autocast with '
                        'loss scaling (AmpOptimWrapper) on CUDA, bfloat16 '
                        '(BF16OptimWrapper) on a CPU')
    parser.add_argument('--baseline', help='the vanilla config the ratios '
                        'refer to (default: configs/vanilla/<model>_<dataset>'
                        '_vanilla.py named after the first config)')
    parser.add_argument('--batch-size', type=int, help='batch size for every '
                        'config (default: each config\'s own)')
    add_timing_args(parser, 'raw image size fed to the pipeline (default: '
                    '32 32 for CIFAR, 28 28 for (Fashion-)MNIST, 224 224 '
                    'otherwise)')
    parser.add_argument('--no-memory', action='store_true',
                        help='skip the peak-memory step')
    parser.add_argument('--keep-freed-memory', action='store_true',
                        help='glibc keeps freed blocks for every config of '
                        'the run (env_cfg.keep_freed_memory, see '
                        'mixtoolbox/utils/allocator.py): large CPU batches '
                        'stop page-faulting each step')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='write OUT.md and OUT.json')
    args = parser.parse_args(argv)
    check_timing_args(parser, args, ('reps', 'batch_size'))
    if args.configs and args.suite:
        parser.error('give CONFIGS or --suite, not both')
    if not (args.configs or args.suite or args.dense_head_imagenet):
        parser.error('give CONFIGS, --suite or --dense-head-imagenet')
    if args.methods and not args.suite:
        parser.error('--methods needs --suite')
    names = SUITES[args.suite][0] if args.suite else []
    for name in args.methods or []:
        if name not in names:
            parser.error(f'--methods: unknown method {name!r} of --suite '
                         f'{args.suite}; choose from {names}')
    if args.device == 'cuda' and not torch.cuda.is_available():
        parser.error('--device cuda: CUDA is not available (torch '
                     f'{torch.__version__})')
    return args


def default_baseline(config: str) -> str:
    """The vanilla config of the same model and dataset in
    ``configs/vanilla/``: for mmpretrain-style names
    ``{method}_{model}_{N}xb{bs}-{schedule}_{dataset}.py`` the one named
    ``vanilla_{model}_*_{dataset}.py`` (the same schedule when there are
    several); for ``{model}_{dataset}_{method}[_variant].py`` the one named
    ``{model}_{dataset}_vanilla.py``."""
    name = osp.splitext(osp.basename(config))[0]
    fields = name.split('_')
    folder = osp.join(osp.dirname(osp.dirname(osp.abspath(config))),
                      'vanilla')
    found = []
    if len(fields) >= 4 and re.fullmatch(r'\d+xb\d+(-.+)?', fields[2]):
        found = sorted(glob.glob(osp.join(
            folder, f'vanilla_{fields[1]}_*_{fields[-1]}.py')))
        same = [p for p in found
                if osp.basename(p).split('_')[-2] == fields[2]]
        found = same if len(found) > 1 and same else found
    elif len(fields) >= 3:
        path = osp.join(folder, f'{fields[0]}_{fields[1]}_vanilla.py')
        found = [path] if osp.isfile(path) else []
    if len(found) != 1:
        raise FileNotFoundError(
            f'no single vanilla config in {folder} for {config} (found '
            f'{[osp.basename(p) for p in found]}); give one with --baseline')
    return found[0]


def optim_config(cfg: 'Config', amp: bool, device: torch.device) -> dict:
    """The config's optimiser wrapper, or its mixed-precision version."""
    optim = copy.deepcopy(cfg.optim_wrapper)
    if amp:
        optim.update(type='AmpOptimWrapper', dtype='float16') \
            if device.type == 'cuda' else optim.update(
                type='BF16OptimWrapper')
    return optim


def build(path: Union[str, 'Config'], args: argparse.Namespace,
          device: torch.device) -> dict:
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


def _set_crop(node: object, size: int) -> None:
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


def _fit_policy(policy: List[dict], size: int) -> List[str]:
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


def _imagenet_configs(args: argparse.Namespace, wanted: set) -> list:
    """``[(method, Config, source note)]`` of ``--suite imagenet-r50``."""
    from mmengine.config import Config
    size = args.image_size[0] if args.image_size else 224
    base = Config.fromfile(in_root(R50_IMAGENET))
    out = []
    for method, rel in IMAGENET_SUITE:
        if method not in wanted:
            continue
        src = Config.fromfile(in_root(rel))
        if 'resnet50_imagenet' in rel:
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


def _multimix_configs(args: argparse.Namespace, wanted: set) -> list:
    """``[(method, Config, source note)]`` of ``--suite multimix-r18``."""
    from mmengine.config import Config
    base = Config.fromfile(in_root(R18_CIFAR100))
    distil = Config.fromfile(in_root(R18_DISTIL))
    out = []
    for method, policy in MULTIMIX_SUITE:
        if method not in wanted:
            continue
        cfg = copy.deepcopy(base)
        cfg.model.mix_policy = copy.deepcopy(policy)
        note = f'`{R18_CIFAR100}`' + (
            f' with mix_policy {policy}' if policy else '')
        if method.endswith('_distil'):
            cfg.model.modifiers = copy.deepcopy(distil.model.modifiers)
            cfg.train_dataloader.dataset.pipeline = copy.deepcopy(
                distil.train_dataloader.dataset.pipeline)
            cfg.data_preprocessor = copy.deepcopy(distil.data_preprocessor)
            note += (f'; modifiers, two-view pipeline and data preprocessor '
                     f'of `{R18_DISTIL}`')
        out.append((method, cfg, note))
    return out


def suite_configs(args: argparse.Namespace) -> List[Tuple[str, object, str]]:
    """``[(method, Config, source note)]`` of ``--suite`` (vanilla always
    included, the others as ``--methods`` selects)."""
    wanted = set(args.methods or SUITES[args.suite][0])
    wanted.add('vanilla')
    build_suite = dict(imagenet_r50=_imagenet_configs,
                       multimix_r18=_multimix_configs)
    return build_suite[args.suite.replace('-', '_')](args, wanted)


def peak_memory_mib(run: Dict[str, Callable[[], object]],
                    device: torch.device) -> float:
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


def measure(paths: List[str], args: argparse.Namespace, device: torch.device,
            configs: Optional[dict] = None) -> Dict[str, dict]:
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


def markdown(rows: List[dict], meta: dict) -> str:
    lines = [f'{meta["machine"]}; torch {meta["torch"]}, {meta["threads"]} '
             f'thread(s), device {meta["device"]}; median of {meta["reps"]} '
             f'interleaved rounds after {meta["warmup"]} warm-up round(s); '
             f'baseline `{meta["baseline"]}`'
             + ('; glibc keeps freed memory (--keep-freed-memory)'
                if meta.get('keep_freed_memory') else '') + '.', '',
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


def suite_markdown(rows: List[dict], meta: dict) -> str:
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
    paper = ('"paper": images/s over the baseline\'s in Venkataramanan et '
             'al., arXiv:2206.14868, Tables 2 and 6 (ResNet-50, one V100). '
             if SUITES[meta['suite']][2] else '')
    lines += ['', '"vs vanilla": images/s over vanilla\'s (vanilla\'s step '
              'time / the method\'s), measured side by side. ' + paper
              + ('Step time: wall clock around train_step with a '
                 'torch.cuda.synchronize (CUDA events agree within the '
                 'JSON\'s cuda_s); peak memory: '
                 'torch.cuda.max_memory_allocated over the step, reset per '
                 'method.' if cuda else 'Peak memory: live CPU tensor '
                 'memory of the step (torch.profiler).')]
    return '\n'.join(lines)


def run_suite(args: argparse.Namespace,
              device: torch.device) -> Tuple[List[dict], dict, str]:
    """Rows, meta and Markdown table of ``--suite``."""
    items = suite_configs(args)
    configs = {method: cfg for method, cfg, _ in items}
    names = list(configs)
    for method, _, note in items:
        print(f'[suite] {method}: {note}', flush=True)
    if args.device == 'cuda':
        torch.backends.cudnn.benchmark = True
    results = measure(names, args, device, configs)
    base = results['vanilla']
    _, size, papers, goals = SUITES[args.suite]
    rows = []
    for (method, _, note) in items:
        r = dict(method=method, source=note, **results[method])
        r['images_per_s'] = r['batch'] / r['wall_s']
        r['vs_vanilla'] = base['wall_s'] / r['wall_s'] * (
            r['batch'] / base['batch'])
        paper = papers.get(method)
        r['paper_ratio'] = None if paper is None else \
            paper / papers['vanilla']
        goal = goals.get(method)
        r['goal'] = None if goal is None else goal[1]
        r['goal_ratio'] = None if goal is None else goal[0]
        r['goal_met'] = None if goal is None else r['vs_vanilla'] >= goal[0]
        rows.append(r)
    precision = 'fp32' if not args.amp else (
        'float16 autocast (AmpOptimWrapper)' if args.device == 'cuda'
        else 'bfloat16 autocast (BF16OptimWrapper)')
    meta = dict(machine=machine(args.device), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device,
                reps=args.reps, warmup=args.warmup, suite=args.suite,
                precision=precision, batch=base['batch'],
                image_size=args.image_size[0] if args.image_size else size,
                cudnn_benchmark=args.device == 'cuda',
                date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()))
    return rows, meta, suite_markdown(rows, meta)


def dense_head_imagenet(device: torch.device, seed: int = 0, m: int = 128,
                        d: int = 2048, side: int = 7, c: int = 1000,
                        n: int = 1000) -> dict:
    """The Dense MultiMix head at ImageNet scale (by default m = 128
    embeddings of d = 2048 channels on r = 7 x 7 positions, c = 1000
    classes, n = 1000 tuples): the float32 size of its tensors, and one
    forward + backward of the head alone on random embeddings (a 1x1 linear
    classifier, the package's ``DenseMultiMix`` mixing the logits, the dense
    weighted cross-entropy) after one warm-up: wall seconds, and peak memory
    measured as for the training steps (:func:`peak_memory_mib`)."""
    from mixtoolbox.models.feature_mixups import (
        DenseMultiMix,
        dense_weighted_ce,
    )
    r = side * side
    sizes = [('embeddings Z [m, d, r]', m * d * r),
             ('interpolation weights [r, m, n]', r * m * n),
             ('logits [m, c, r]', m * c * r),
             ('mixed logits / log-softmax / targets [n, c, r] (each)',
              n * c * r)]
    gen = torch.Generator(device=device).manual_seed(seed)
    head = torch.nn.Linear(d, c).to(device)
    z = torch.randn(m, d, side, side, generator=gen, device=device,
                    requires_grad=True)
    labels = torch.randint(c, (m, ), generator=gen, device=device)
    y = torch.nn.functional.one_hot(labels, c).float()
    mixup = DenseMultiMix(n=n)

    def step() -> None:
        zf = z.flatten(2)
        lam = mixup.sample_params(zf)['lam']
        logits = head(zf.movedim(1, -1)).movedim(-1, 1)
        batch = mixup.mix(logits, y, lam=lam,
                          attn=mixup.attention_map(zf, y))
        dense_weighted_ce(batch.inputs, batch.target,
                          batch.extras['weight']).backward()
        if device.type == 'cuda':
            torch.cuda.synchronize()

    step()  # warm-up: allocator, gradients exist
    t0 = time.perf_counter()
    step()
    wall = time.perf_counter() - t0
    peak = peak_memory_mib(dict(step=step), device)
    return dict(sizes=dict(m=m, d=d, r=r, c=c, n=n),
                tensors_mib={k: v * 4 / 2**20 for k, v in sizes},
                wall_s=wall, peak_mib=peak)


def dense_head_markdown(head: dict) -> str:
    """The ``--dense-head-imagenet`` table."""
    dims = ', '.join(f'{k} = {v}' for k, v in head['sizes'].items())
    lines = [f'Dense MultiMix head at ImageNet scale (float32, {dims}):', '',
             '| tensor | MiB |', '|---|---|']
    lines += [f'| {k} | {v:.1f} |' for k, v in head['tensors_mib'].items()]
    lines += ['', f'Measured head-only step (forward + backward): '
              f'{head["wall_s"]:.2f} s, peak memory {head["peak_mib"]:.0f} '
              'MiB.']
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """``tools/analysis/benchmark_methods.py``; returns ``{meta, rows}``
    (and ``dense_head_imagenet`` when asked)."""
    args = parse_args(argv)
    quiet_setup(args.threads, 'benchmark_methods')
    if args.keep_freed_memory:
        from mixtoolbox.utils.allocator import keep_freed_memory
        keep_freed_memory()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = torch.device(args.device)
    rows, meta, tables = [], dict(machine=machine(args.device),
                                  torch=torch.__version__,
                                  device=args.device), []
    if args.suite:
        rows, meta, table = run_suite(args, device)
        tables.append(table)
    elif args.configs:
        rows, meta, table = run_configs(args, device)
        tables.append(table)
    result = dict(meta=meta, rows=rows)
    if args.dense_head_imagenet:
        result['dense_head_imagenet'] = dense_head_imagenet(device,
                                                            args.seed)
        tables.append(dense_head_markdown(result['dense_head_imagenet']))
    table = '\n\n'.join(tables)
    print(table)
    if args.out:
        with open(args.out + '.md', 'w') as f:
            f.write(table + '\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(result, f, indent=2)
    return result


def run_configs(args: argparse.Namespace,
                device: torch.device) -> Tuple[List[dict], dict, str]:
    """Rows, meta and Markdown table of the CONFIGS given."""
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
    meta = dict(machine=machine(args.device), torch=torch.__version__,
                threads=torch.get_num_threads(), device=args.device,
                reps=args.reps, warmup=args.warmup, amp=args.amp,
                keep_freed_memory=args.keep_freed_memory,
                baseline=osp.relpath(baseline), baseline_batch=base['batch'])
    return rows, meta, markdown(rows, meta)

