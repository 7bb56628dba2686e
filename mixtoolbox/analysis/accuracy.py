"""Accuracy benchmark on real Fashion-MNIST, sized for a CPU.

Protocol (docs/benchmarks.md): every method is a config file in
``configs/benchmarks/fashion_mnist/`` (``--config-dir``) named
``{method}_preactresnet18-w8_1xb100-10e_fashionmnist2k.py`` that inherits the
vanilla one (``vanilla_...``: network, data subset, schedule) and sets the
model's ``mix_policy`` (or its classifier); each cites the method's paper and
where its hyper-parameters come from. Training goes through the mmengine
Runner. After training, the final weights are tested on the 10,000 test
images: top-1 and ECE (15 bins) by the config's test evaluator, FGSM top-1
error (ε = 8/255) by :func:`mixtoolbox.evaluation.robust_error`. The table
gives mean ± sample std over seeds.

Method names: the ``{method}`` field of a config's file name, with ``-``
written ``_`` (``dense-multimix_...py`` is ``dense_multimix``; both
spellings are accepted), or the path of any config file; optionally followed
by ``+dense`` (the dense loss of Venkataramanan, Kijak, Amsaleg and
Avrithis, NeurIPS 2023, arXiv:2311.05538, App. A.5) and/or ``+distil``
(self-distillation, their arXiv:2206.14868, eq. (9)), e.g.
``cutmix+dense+distil``. The modifiers are the fragments
``_base_/modifiers/{dense,distil}.py`` of the config folder: their
``modifiers`` are appended to the method's, the rest merged.

Each (method, seed) runs in its own process and appends one JSON line to
the results file: ``method``, ``seed``, ``config`` (the method's config
file, relative to the checkout), ``epochs``, ``train_images``, ``top1``,
``ece``, ``fgsm_error`` (percent) and ``train_minutes``. Runs already there
with the same protocol (config, epochs, training images) are skipped, so an
interrupted command resumes and a finished one only prints the table.

The command line is ``tools/analysis/accuracy_benchmark.py``::

    python tools/analysis/accuracy_benchmark.py --seeds 0 1 2 --jobs 2
    python tools/analysis/accuracy_benchmark.py --methods vanilla mixup \\
        --seeds 0 1 --epochs 5 --results work_dirs/acc_bench/results.jsonl
"""
import argparse
import functools
import glob
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Dict, List, Optional, Sequence, Tuple

from .common import REPO_ROOT

CONFIG_DIR = osp.join('configs', 'benchmarks', 'fashion_mnist')
# the table's rows, in order (every config of CONFIG_DIR, then the
# modifier variants); --methods picks others
DEFAULT_METHODS = [
    'vanilla', 'mixup', 'cutmix', 'fmix', 'gridmix', 'resizemix',
    'smoothmix', 'zeta_mixup', 'saliencymix', 'puzzlemix', 'comixup', 'rmix',
    'manifoldmix', 'alignmix', 'multimix', 'dense_multimix',
    'multi_interp_mixup', 'multi_interp_cutmix', 'samix', 'automix',
    'vanilla+dense', 'vanilla+distil', 'mixup+dense', 'mixup+distil',
    'cutmix+dense', 'cutmix+distil', 'multimix+distil',
    'dense_multimix+distil']
MODIFIERS = ('dense', 'distil')
# classifiers that mix on their own and take no modifiers
NO_MODIFIERS = ('AutoMixClassifier', )


def _dir(config_dir: Optional[str]) -> str:
    path = config_dir or CONFIG_DIR
    return path if osp.isabs(path) else osp.join(REPO_ROOT, path)


def available_methods(config_dir: Optional[str] = None) -> Dict[str, str]:
    """``{method name: config path}`` of the configs in ``config_dir``."""
    found = {}
    for path in sorted(glob.glob(osp.join(_dir(config_dir), '*_*.py'))):
        found[osp.basename(path).split('_')[0].replace('-', '_')] = path
    return found


def split_name(name: str) -> Tuple[str, List[str]]:
    """``'cutmix+distil+dense'`` -> ``('cutmix', ['dense', 'distil'])``
    (method or config path, sorted modifiers), after checking the
    modifiers."""
    base, *mods = name.split('+')
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) < len(mods):
        raise ValueError(f'method {name!r}: modifiers are +dense and/or '
                         '+distil, each at most once')
    return base, sorted(mods)


def config_path(name: str, config_dir: Optional[str] = None) -> str:
    """The config file of a method name (modifiers ignored), relative to
    the checkout when inside it."""
    base, _ = split_name(name)
    if base.endswith('.py'):
        if not osp.isfile(base):
            raise ValueError(f'method {name!r}: no config file {base}')
        path = osp.abspath(base)
    else:
        methods = available_methods(config_dir)
        key = base.replace('-', '_')
        if key not in methods:
            raise ValueError(f'unknown method {base!r}; choose from '
                             f'{sorted(methods)} (configs in '
                             f'{_dir(config_dir)}) or give a config path')
        path = methods[key]
    rel = osp.relpath(path, REPO_ROOT)
    return path if rel.startswith('..') else rel


def canonical(name: str) -> str:
    """The name a method is stored under: ``-`` in a method field written
    ``_``, modifiers sorted (a config path stays as given)."""
    base, mods = split_name(name)
    if not base.endswith('.py'):
        base = base.replace('-', '_')
    return '+'.join([base] + mods)


@functools.lru_cache(maxsize=None)
def _load(path: str):
    from mmengine.config import Config
    return Config.fromfile(path if osp.isabs(path)
                           else osp.join(REPO_ROOT, path))


def method_config(name: str, config_dir: Optional[str] = None):
    """The full config (an mmengine ``Config``) of a method name: its config
    file with the ``+dense`` / ``+distil`` fragments applied."""
    import copy
    base, mods = split_name(name)
    cfg = copy.deepcopy(_load(config_path(name, config_dir)))
    if mods and cfg.model.get('type') in NO_MODIFIERS:
        raise ValueError(f'method {name!r}: {base} ({cfg.model.type}) takes '
                         'no modifiers: its classifier mixes on its own')
    modifiers = list(cfg.model.get('modifiers', []))
    for mod in mods:
        frag = _load(osp.join(_dir(config_dir), '_base_', 'modifiers',
                              f'{mod}.py')).to_dict()
        modifiers += frag.pop('modifiers')
        frag.pop('view', None)  # a local variable of the fragment
        cfg.merge_from_dict(frag)
    if modifiers:
        cfg.model.modifiers = modifiers
    return cfg


def settings(name: str, args: argparse.Namespace) -> dict:
    """The protocol of a method's runs: its config, epochs and training
    images (``--epochs`` / ``--train-images``, else the config's)."""
    cfg = method_config(name, args.config_dir)
    epochs = args.epochs or cfg.train_cfg.max_epochs
    images = args.train_images or cfg.train_dataloader.dataset.indices
    return dict(config=config_path(name, args.config_dir), epochs=epochs,
                train_images=images)


def schedule_overrides(epochs: int) -> dict:
    """The protocol's schedule for ``epochs`` epochs (a 1-epoch run is the
    warm-up alone); for the configs' own 10 epochs it is their schedule."""
    scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=True,
                      begin=0, end=1, convert_to_iter_based=True)]
    if epochs > 1:
        scheduler.append(dict(
            type='CosineAnnealingLR', by_epoch=True, begin=1, end=epochs,
            T_max=epochs - 1, eta_min=0.0, convert_to_iter_based=True))
    return dict(train_cfg=dict(max_epochs=epochs, val_interval=epochs),
                param_scheduler=scheduler,
                default_hooks=dict(checkpoint=dict(interval=epochs)))


def run_one(method: str, seed: int, args: argparse.Namespace) -> dict:
    """Train and evaluate one (method, seed) in this process."""
    import torch
    from mmengine.runner import Runner

    from mixtoolbox.evaluation import robust_error
    from mixtoolbox.utils import register_all_modules
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    proto = settings(method, args)
    cfg = method_config(method, args.config_dir)
    cfg.merge_from_dict(schedule_overrides(proto['epochs']))
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = args.data_root
    cfg.train_dataloader.dataset.indices = proto['train_images']
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.work_dir = osp.join(args.work_dir, f'{method}_seed{seed}')
    # mmengine keys its logger and visualiser by experiment name; unique
    # names keep in-process runs apart
    cfg.experiment_name = f'{method}_seed{seed}_{time.strftime("%H%M%S")}'
    cfg.launcher = 'none'
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_min = (time.time() - start) / 60
    metrics = runner.test()
    robust = robust_error(runner.model, runner.test_dataloader, 'fgsm',
                          eps=8 / 255)
    return dict(method=method, seed=seed, **proto,
                top1=float(metrics['accuracy/top1']),
                ece=float(metrics['calibration/ece']),
                fgsm_error=float(robust['fgsm_error']),
                train_minutes=train_min)


def load_results(path: str, args: argparse.Namespace) -> Dict[tuple, dict]:
    """``{(method, seed): row}`` of the results file's rows that have the
    protocol of ``args`` (rows of other methods are kept too)."""
    rows = {}
    protos = {}
    if osp.isfile(path):
        with open(path) as f:
            for line in f:
                row = json.loads(line)
                method = row['method']
                if method not in protos:
                    try:
                        protos[method] = settings(method, args)
                    except ValueError:  # a method this config dir lacks
                        protos[method] = None
                proto = protos[method]
                if proto is not None and all(
                        row.get(k) == v for k, v in proto.items()):
                    rows[(method, row['seed'])] = row
    return rows


def launch(job: Tuple[str, int], args: argparse.Namespace) -> Optional[dict]:
    """Run one (method, seed) in a fresh process; its JSON result line is
    appended to the results file by the caller."""
    method, seed = job
    log = osp.join(args.work_dir, f'{method}_seed{seed}.log')
    cmd = [sys.executable, '-m', 'mixtoolbox.analysis.accuracy', '--worker',
           method, str(seed), '--data-root', osp.abspath(args.data_root),
           '--work-dir', osp.abspath(args.work_dir), '--threads',
           str(args.threads)]
    for opt in ('epochs', 'train_images', 'config_dir'):
        if getattr(args, opt):
            cmd += [f'--{opt.replace("_", "-")}', str(getattr(args, opt))]
    with open(log, 'w') as f:
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              cwd=REPO_ROOT)
    if proc.returncode:
        print(f'FAILED {method} seed {seed} (exit {proc.returncode}); see '
              f'{log}', flush=True)
        return None
    with open(log) as f:
        line = [x for x in f if x.startswith('RESULT ')][-1]
    return json.loads(line[len('RESULT '):])


def fmt(values: Sequence[float], digits: int = 2) -> str:
    if not values:
        return '—'
    if len(values) == 1:
        return f'{values[0]:.{digits}f}'
    return f'{statistics.mean(values):.{digits}f} ± ' \
           f'{statistics.stdev(values):.{digits}f}'


def table(rows: Dict[tuple, dict], args: argparse.Namespace) -> str:
    """The Markdown table of ``args.methods`` over ``args.seeds``."""
    protos = [settings(m, args) for m in args.methods]

    def one(key: str, unit: str) -> str:
        values = sorted({p[key] for p in protos})
        return f'{values[0]} {unit}' if len(values) == 1 else \
            f'{"/".join(map(str, values))} {unit} (per config)'
    lines = [f'Fashion-MNIST, first {one("train_images", "training images")}'
             f', PreActResNet-18 (width 8), {one("epochs", "epochs")}; test '
             'on the 10,000 test images; mean ± sample std over seeds '
             f'{" ".join(map(str, args.seeds))}.', '',
             '| method | runs | top-1 (%) | ECE (%) | FGSM error (%) '
             '| train min / run |', '|---|---|---|---|---|---|']
    missing = []
    for method in args.methods:
        got = [rows[(method, s)] for s in args.seeds if (method, s) in rows]
        if not got:
            missing.append(method)
        cells = [fmt([r[k] for r in got]) for k in
                 ('top1', 'ece', 'fgsm_error')]
        minutes = fmt([r['train_minutes'] for r in got], 1)
        lines.append(f'| {method} | {len(got)} | ' + ' | '.join(cells)
                     + f' | {minutes} |')
    if missing:
        lines += ['', 'Not measured: ' + ', '.join(missing) + '.']
    return '\n'.join(lines)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train vanilla and mixup methods on a fixed Fashion-'
        'MNIST subset for several seeds and print mean ± std of top-1, ECE '
        'and FGSM error (resumable). A method is a config of --config-dir '
        '(see mixtoolbox.analysis.accuracy).')
    parser.add_argument('--methods', nargs='+', default=DEFAULT_METHODS,
                        help='method names (the first field of a config '
                        'file name in --config-dir, see --list) or config '
                        'paths, each optionally with +dense and/or +distil,'
                        ' e.g. vanilla mixup cutmix+dense (default: every '
                        'config plus the dense/distil variants of vanilla, '
                        'mixup, cutmix, multimix, dense_multimix)')
    parser.add_argument('--config-dir', help='folder of the method configs '
                        f'(default: {CONFIG_DIR})')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--epochs', type=int,
                        help='training epochs (default: the configs\', 10)')
    parser.add_argument('--train-images', type=int,
                        help='the first N training images (default: the '
                        'configs\', 2000)')
    parser.add_argument('--data-root', default='data/fashion_mnist',
                        help='decompressed Fashion-MNIST IDX files')
    parser.add_argument('--work-dir', default='work_dirs/accuracy_benchmark')
    parser.add_argument('--results', help='JSON-lines results file (default:'
                        ' WORK_DIR/results.jsonl)')
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs in parallel processes (default 1)')
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads per run (default 1)')
    parser.add_argument('--in-process', action='store_true',
                        help='run the trainings in this process, one after '
                        'the other (no isolation; for tests)')
    parser.add_argument('--print-only', action='store_true',
                        help='print the table of the runs already in the '
                        'results file; train nothing')
    parser.add_argument('--list', action='store_true',
                        help='print the method names and their config files')
    parser.add_argument('--worker', nargs=2, metavar=('METHOD', 'SEED'),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ('epochs', 'train_images', 'jobs', 'threads'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{value}')
    if args.config_dir and not osp.isdir(_dir(args.config_dir)):
        parser.error(f'--config-dir: no folder {args.config_dir}')
    methods = [args.worker[0]] if args.worker else args.methods
    try:
        for method in methods:
            method_config(method, args.config_dir)
    except ValueError as err:
        parser.error(str(err))
    args.methods = [canonical(m) for m in args.methods]
    args.results = args.results or osp.join(args.work_dir, 'results.jsonl')
    return args


def main(argv: Optional[Sequence[str]] = None):
    """``tools/analysis/accuracy_benchmark.py``: returns the table (or the
    worker's row)."""
    args = parse_args(argv)
    if args.list:
        for name, path in available_methods(args.config_dir).items():
            print(f'{name}: {osp.relpath(path, REPO_ROOT)}')
        return None
    if args.worker:
        row = run_one(canonical(args.worker[0]), int(args.worker[1]), args)
        print('RESULT ' + json.dumps(row), flush=True)
        return row
    os.makedirs(args.work_dir, exist_ok=True)
    rows = load_results(args.results, args)
    # seed-major: a run cut short still has every method at its first seeds
    todo = [] if args.print_only else [
        (m, s) for s in args.seeds for m in args.methods
        if (m, s) not in rows]
    done = len(args.methods) * len(args.seeds) - len(todo)
    print(f'{len(todo)} run(s) to do, {done} already in {args.results}',
          flush=True)

    def finish(row):
        if row is not None:
            rows[(row['method'], row['seed'])] = row
            with open(args.results, 'a') as f:
                f.write(json.dumps(row) + '\n')
            print(f'done {row["method"]} seed {row["seed"]}: top-1 '
                  f'{row["top1"]:.2f}', flush=True)

    if args.in_process:
        for method, seed in todo:
            finish(run_one(method, seed, args))
    else:
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(launch, job, args) for job in todo]
            for future in as_completed(futures):
                finish(future.result())
    text = table(rows, args)
    print(text)
    return text


if __name__ == '__main__':  # the worker processes of launch()
    main()
