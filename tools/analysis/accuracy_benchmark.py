#!/usr/bin/env python
"""Accuracy benchmark on real Fashion-MNIST, sized for a CPU.

Protocol (docs/benchmarks.md): every method trains the network, data subset
and schedule of ``configs/benchmarks/fashion_mnist/
preactresnet18-w8_fashionmnist2k_vanilla.py`` through the mmengine Runner;
a method is that config plus overrides of ``model`` (``mix_policy``,
``modifiers``, classifier type) and, for self-distillation, of the train
pipeline (two views) -- exactly what ``--cfg-options`` does. After training,
the final weights are tested on the 10,000 test images: top-1 and ECE
(15 bins) by the config's test evaluator, FGSM top-1 error (ε = 8/255) by
``mixtoolbox.evaluation.robust_error``. The table gives mean ± sample std
over seeds.

Each (method, seed) runs in its own process and appends one JSON line to
the results file; runs already there with the same protocol (config,
epochs, training images) are skipped, so an interrupted command resumes and
a finished one only prints the table.

Method names: a base method (``--list``) optionally followed by modifiers,
``+dense`` (dense loss, seed 001 App. A.5) and/or ``+distil``
(self-distillation, seed 001 eq. 9), e.g. ``cutmix+dense+distil``.

    python tools/analysis/accuracy_benchmark.py --seeds 0 1 2
    python tools/analysis/accuracy_benchmark.py --methods vanilla mixup \\
        --seeds 0 1 --epochs 5 --results work_dirs/acc_bench/results.jsonl
"""
import argparse
import copy
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join('configs', 'benchmarks', 'fashion_mnist',
                  'preactresnet18-w8_fashionmnist2k_vanilla.py')

# Hyper-parameters are those of the method's CIFAR configs (configs/<method>)
# unless a comment says why 28x28 images or the width-8 network need others.
_SAMIX = dict(
    type='AutoMixClassifier', mix_policy=[],
    # layer3 of the width-8 PreActResNet-18: 32 channels, 7x7
    mixer=dict(type='SAMixMixer', in_channels=32), alpha=2.0, mask_layer=3,
    momentum=0.999, mixer_loss=dict(type='EtaBalancedLoss', eta=0.5))
_SAMIX_HOOKS = [
    dict(type='RNGStateHook'),
    dict(type='MomentumScheduleHook', start=0.999, end=1.0),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear')]
METHODS = {
    'vanilla': dict(model=dict(mix_policy=[])),
    'mixup': dict(model=dict(mix_policy=[dict(type='Mixup', alpha=1.0)])),
    'cutmix': dict(model=dict(mix_policy=[dict(type='CutMix', alpha=1.0)])),
    'fmix': dict(model=dict(mix_policy=[
        dict(type='FMix', alpha=0.2, decay_power=3.0)])),
    'gridmix': dict(model=dict(mix_policy=[
        dict(type='GridMix', alpha=1.0, grid_size=4)])),
    'resizemix': dict(model=dict(mix_policy=[
        dict(type='ResizeMix', scope=(0.1, 0.8))])),
    'smoothmix': dict(model=dict(mix_policy=[
        dict(type='SmoothMix', sigma=(0.25, 0.5))])),
    'zeta_mixup': dict(model=dict(mix_policy=[
        dict(type='ZetaMixup', gamma=2.8)])),
    'saliencymix': dict(model=dict(mix_policy=[
        dict(type='SaliencyMix', alpha=0.2)])),
    # block counts must divide 28, and neighbourhood and transport tiles
    # the 14, 7 and 4 px blocks (4 px at 32 px does not divide 14 or 7)
    'puzzlemix': dict(model=dict(mix_policy=[dict(
        type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 7), n_labels=3,
        beta=1.2, gamma=0.5, eta=0.2, neigh_size=7, transport=True,
        t_eps=0.8, t_size=7)])),
    'comixup': dict(model=dict(mix_policy=[dict(
        type='CoMixup', alpha=2.0, block_num=4, part=20, beta=0.32,
        gamma=1.0, thres=0.83, eta=0.05, omega=0.001, niter=4,
        set_resolve=True, clean_lam=1.0)])),
    # patch sides are given at 32 px; RMix scales them to 7 and 14 px
    'rmix': dict(model=dict(mix_policy=[
        dict(type='RMix', patch_sizes=(8, 16), alpha=1.0)])),
    'manifoldmix': dict(model=dict(mix_policy=[
        dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])),
    'alignmix': dict(model=dict(mix_policy=[
        dict(type='AlignMix', alpha=2.0, eps=0.1, max_iter=100, prob=0.5),
        dict(type='Mixup', alpha=2.0, prob=0.5)])),
    'multimix': dict(model=dict(mix_policy=[
        dict(type='MultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
        dict(type='Mixup', alpha=1.0, prob=0.5)])),
    'dense_multimix': dict(model=dict(mix_policy=[
        dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0),
             attention='gap', nonlinearity='l1_relu', prob=0.5),
        dict(type='Mixup', alpha=1.0, prob=0.5)])),
    'multi_interp_mixup': dict(model=dict(mix_policy=[dict(
        type='MultiInterp', mixup=dict(type='Mixup', alpha=1.0), k=5)])),
    'multi_interp_cutmix': dict(model=dict(mix_policy=[dict(
        type='MultiInterp', mixup=dict(type='CutMix', alpha=1.0), k=5)])),
    'samix': dict(model=dict(**_SAMIX, clean_loss_weight=1.0,
                             lam_margin=0.08, lam_adjust=0.25),
                  custom_hooks=_SAMIX_HOOKS),
    'automix': dict(model=dict(
        **dict(_SAMIX, mixer=dict(
            type='SAMixMixer', in_channels=32, attention='cross',
            lam_encoding='concat', content='linear', upsample='nearest',
            var_weight=0.0), mixer_loss=dict(type='EtaBalancedLoss',
                                             eta=1.0)), lam_adjust=0.0),
        custom_hooks=_SAMIX_HOOKS),
}
NO_MODIFIERS = ('samix', 'automix')  # their classifier mixes on its own
# EMA weight 0.01 per step, not 0.001: a few-hundred-step run would leave a
# teacher averaging over ~1000 steps near its initialisation
MODIFIERS = dict(dense=dict(type='DenseLoss'),
                 distil=dict(type='SelfDistill', gamma=0.5, momentum=0.01))
DEFAULT_METHODS = list(METHODS) + [
    'vanilla+dense', 'vanilla+distil', 'mixup+dense', 'mixup+distil',
    'cutmix+dense', 'cutmix+distil', 'multimix+distil',
    'dense_multimix+distil']


def method_overrides(name):
    """The config overrides (``--cfg-options`` as a dict) of a method."""
    base, *mods = name.split('+')
    if base not in METHODS:
        raise ValueError(f'unknown method {base!r}; choose from '
                         f'{sorted(METHODS)}')
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) < len(mods):
        raise ValueError(f'method {name!r}: modifiers are +dense and/or '
                         '+distil, each at most once')
    if mods and base in NO_MODIFIERS:
        raise ValueError(f'method {name!r}: {base} takes no modifiers')
    out = copy.deepcopy(METHODS[base])
    if mods:
        out['model']['modifiers'] = [MODIFIERS[m] for m in sorted(mods)]
    if 'distil' in mods:
        view = [dict(type='RandomCrop', crop_size=28, padding=2),
                dict(type='RandomFlip', prob=0.5, direction='horizontal')]
        out['train_dataloader'] = dict(dataset=dict(pipeline=[
            dict(type='MultiView', num_views=2, transforms=[view]),
            dict(type='PackInputs')]))
        out['data_preprocessor'] = dict(type='MultiViewDataPreprocessor')
    return out


def protocol(args):
    return dict(config=CONFIG, epochs=args.epochs,
                train_images=args.train_images)


def schedule_overrides(epochs):
    """The config's schedule for ``epochs`` epochs (a 1-epoch run is the
    warm-up alone)."""
    scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=True,
                      begin=0, end=1, convert_to_iter_based=True)]
    if epochs > 1:
        scheduler.append(dict(
            type='CosineAnnealingLR', by_epoch=True, begin=1, end=epochs,
            T_max=epochs - 1, eta_min=0.0, convert_to_iter_based=True))
    return dict(train_cfg=dict(max_epochs=epochs, val_interval=epochs),
                param_scheduler=scheduler,
                default_hooks=dict(checkpoint=dict(interval=epochs)))


def run_one(method, seed, args):
    """Train and evaluate one (method, seed) in this process."""
    import torch
    from mmengine.config import Config
    from mmengine.runner import Runner

    from mixtoolbox.evaluation import robust_error
    from mixtoolbox.utils import register_all_modules
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(osp.join(ROOT, CONFIG))
    cfg.merge_from_dict(method_overrides(method))
    cfg.merge_from_dict(schedule_overrides(args.epochs))
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = args.data_root
    cfg.train_dataloader.dataset.indices = args.train_images
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
    return dict(method=method, seed=seed, **protocol(args),
                top1=float(metrics['accuracy/top1']),
                ece=float(metrics['calibration/ece']),
                fgsm_error=float(robust['fgsm_error']),
                train_minutes=train_min)


def load_results(path, args):
    rows = {}
    if osp.isfile(path):
        with open(path) as f:
            for line in f:
                row = json.loads(line)
                if all(row.get(k) == v for k, v in protocol(args).items()):
                    rows[(row['method'], row['seed'])] = row
    return rows


def launch(job, args):
    """Run one (method, seed) in a fresh process; its JSON result line is
    appended to the results file by the caller."""
    method, seed = job
    log = osp.join(args.work_dir, f'{method}_seed{seed}.log')
    cmd = [sys.executable, osp.abspath(__file__), '--worker', method,
           str(seed), '--epochs', str(args.epochs), '--train-images',
           str(args.train_images), '--data-root', args.data_root,
           '--work-dir', args.work_dir, '--threads', str(args.threads)]
    with open(log, 'w') as f:
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              cwd=ROOT)
    if proc.returncode:
        print(f'FAILED {method} seed {seed} (exit {proc.returncode}); see '
              f'{log}', flush=True)
        return None
    with open(log) as f:
        line = [x for x in f if x.startswith('RESULT ')][-1]
    return json.loads(line[len('RESULT '):])


def fmt(values, digits=2):
    if not values:
        return '—'
    if len(values) == 1:
        return f'{values[0]:.{digits}f}'
    return f'{statistics.mean(values):.{digits}f} ± ' \
           f'{statistics.stdev(values):.{digits}f}'


def table(rows, args):
    lines = [f'Fashion-MNIST, first {args.train_images} training images, '
             f'PreActResNet-18 (width 8), {args.epochs} epochs; test on the '
             '10,000 test images; mean ± sample std over seeds '
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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train vanilla and mixup methods on a fixed Fashion-'
        'MNIST subset for several seeds and print mean ± std of top-1, ECE '
        'and FGSM error (resumable; see the module docstring).')
    parser.add_argument('--methods', nargs='+', default=DEFAULT_METHODS,
                        help='methods, e.g. vanilla mixup cutmix+dense '
                        '(default: all of --list plus dense/distil variants)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    # 10 epochs keeps the whole table (28 methods x 3 seeds) within about
    # an hour on a 2-core CPU; --epochs 30 is the longer variant
    parser.add_argument('--epochs', type=int, default=10,
                        help='training epochs (protocol: 10)')
    parser.add_argument('--train-images', type=int, default=2000,
                        help='the first N training images (protocol: 2000)')
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
                        help='print the methods and their overrides')
    parser.add_argument('--worker', nargs=2, metavar=('METHOD', 'SEED'),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ('epochs', 'train_images', 'jobs', 'threads'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{getattr(args, name)}')
    for method in args.methods:
        try:
            method_overrides(method)
        except ValueError as err:
            parser.error(str(err))
    args.results = args.results or osp.join(args.work_dir, 'results.jsonl')
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        for name in METHODS:
            print(f'{name}: {json.dumps(method_overrides(name))}')
        return None
    if args.worker:
        row = run_one(args.worker[0], int(args.worker[1]), args)
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


if __name__ == '__main__':
    main()
