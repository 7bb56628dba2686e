"""Accuracy benchmark on real Fashion-MNIST, sized for a CPU.

Protocols (docs/claims.md, docs/benchmarks.md): every method is a config
file in ``configs/benchmarks/fashion_mnist/`` (``--config-dir``) named
``{method}_preactresnet18-w8_1xb100-10e_fashionmnist2k.py`` that inherits the
vanilla one (``vanilla_...``: network, data, optimiser) and sets the model's
``mix_policy`` (or its classifier); each cites the method's paper and where
its hyper-parameters come from. ``--protocol`` picks the length: ``v2`` (the
default; the converged protocol of the claims table, :data:`PROTOCOLS`)
or ``smoke`` (the configs' own 10 epochs on 2,000 images). Training goes
through the mmengine Runner. After training, the final weights are tested
on the 10,000 test images: top-1, ECE and OE (15 bins, as
:func:`mixtoolbox.evaluation.calibration_errors`) with the reliability-
diagram bins, FGSM top-1 error (ε = 8/255) by
:func:`mixtoolbox.evaluation.robust_error`, and the clean top-1 on the
training subset (test pipeline). With a curve (``--curve-every``), the test
top-1 on the first ``--curve-images`` test images and the clean training
top-1 are recorded along the run; the torch RNG state is restored around
each point, so a curve does not change the training. The table gives mean
± sample std over seeds.

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
the results file: ``method``, ``seed``, the protocol (``config`` relative to
the checkout, ``epochs``, ``train_images``, ``batch_size``,
``curve_every``,
``curve_images``), ``top1``, ``ece``, ``oe``, ``fgsm_error``,
``train_top1`` (percent), ``train_minutes``, ``reliability``, ``curve``,
``state_sha256`` (the final weights), ``commit`` (``+dirty`` when the
checkout had uncommitted changes), ``threads``, ``torch`` and ``command``
(the command that re-runs this row). Runs already there with the same
protocol are skipped, so an interrupted command resumes and a finished one
only prints the table.

Reproducibility: on a CPU with a fixed seed and thread count a run is
deterministic; ``--verify METHOD SEED`` re-runs one stored row in a fresh
process and checks that metrics, curve, reliability bins and weights are
identical (exit 1 otherwise).

The command line is ``tools/analysis/accuracy_benchmark.py``::

    python tools/analysis/accuracy_benchmark.py --seeds 0 1 2 --jobs 2
    python tools/analysis/accuracy_benchmark.py --methods vanilla mixup \\
        --seeds 0 1 --protocol smoke --results work_dirs/acc/smoke.jsonl
    python tools/analysis/accuracy_benchmark.py --verify vanilla 0
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
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    List,
    Optional,
    Sequence,
    Tuple,
)

from .common import REPO_ROOT

if TYPE_CHECKING:
    import torch.nn as nn
    from mmengine.config import Config
    from mmengine.runner import Runner
    from torch import Tensor

CONFIG_DIR = osp.join('configs', 'benchmarks', 'fashion_mnist')
# the table's rows, in order (every config of CONFIG_DIR, then the
# modifier variants); --methods picks others
DEFAULT_METHODS = [
    'vanilla', 'mixup', 'cutmix', 'fmix', 'gridmix', 'resizemix',
    'smoothmix', 'zeta_mixup', 'saliencymix', 'puzzlemix', 'comixup', 'rmix',
    'manifoldmix', 'alignmix', 'multimix', 'dense_multimix',
    'dense_multimix_layer3', 'multimix_n50', 'multimix_alpha1',
    'multi_interp_mixup', 'multi_interp_cutmix', 'multi_interp_cutmix_p05',
    'multi_interp_puzzlemix',
    'samix', 'samix_eta1', 'automix',
    'vanilla+dense', 'vanilla+distil', 'mixup+dense', 'mixup+distil',
    'cutmix+dense', 'cutmix+distil', 'multimix+distil',
    'dense_multimix+distil']
MODIFIERS = ('dense', 'distil')
NUM_BINS = 15  # calibration bins (ECE and reliability diagrams)
# Named protocols (docs/claims.md): training length, training subset and the
# learning curve (test top-1 on the first `curve_images` test images and the
# clean training top-1 every `curve_every` epochs; 0 = no curve). "smoke" is
# the configs' own 10 epochs on 2,000 images (docs/benchmarks.md, under-
# trained on purpose: a quick regression check); "v2" is the converged
# protocol of the claims table, chosen by the pilot in docs/claims.md.
V2_EPOCHS, V2_IMAGES, V2_BATCH = 120, 500, 50
PROTOCOLS = {
    'v2': dict(epochs=V2_EPOCHS, train_images=V2_IMAGES,
               batch_size=V2_BATCH, curve_every=5, curve_images=2000,
               fgsm_images=2000),
    'smoke': dict(epochs=None, train_images=None, batch_size=None,
                  curve_every=0, curve_images=None, fgsm_images=None),
}
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


def method_config(name: str, config_dir: Optional[str] = None) -> 'Config':
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
    """The protocol of a method's runs: its config, epochs, training images
    and curve settings (``--epochs`` / ``--train-images`` / ``--curve-every``
    / ``--curve-images``, else ``--protocol``'s, else the config's)."""
    cfg = method_config(name, args.config_dir)
    preset = PROTOCOLS[args.protocol]

    def pick(key: str, default: Any) -> Any:
        value = getattr(args, key, None)
        if value is None:
            value = preset[key]
        return default if value is None else value
    curve_every = pick('curve_every', 0)
    return dict(config=config_path(name, args.config_dir),
                epochs=pick('epochs', cfg.train_cfg.max_epochs),
                train_images=pick('train_images',
                                  cfg.train_dataloader.dataset.indices),
                batch_size=pick('batch_size',
                                cfg.train_dataloader.batch_size),
                curve_every=curve_every,
                curve_images=pick('curve_images', None) if curve_every
                else None,
                fgsm_images=pick('fgsm_images', None))


def command_line(method: str, seed: int, args: argparse.Namespace) -> str:
    """The command that re-runs one (method, seed) of this protocol."""
    import shlex
    proto = settings(method, args)
    cmd = ['python', 'tools/analysis/accuracy_benchmark.py', '--protocol',
           args.protocol, '--methods', method, '--seeds', str(seed),
           '--epochs', str(proto['epochs']),
           '--train-images', str(proto['train_images']), '--batch-size',
           str(proto['batch_size']), '--curve-every',
           str(proto['curve_every']), '--threads', str(args.threads)]
    if proto['fgsm_images']:
        cmd += ['--fgsm-images', str(proto['fgsm_images'])]
    if proto['curve_every']:
        cmd += ['--curve-images', str(proto['curve_images'])]
    if args.config_dir:
        cmd += ['--config-dir', args.config_dir]
    return ' '.join(shlex.quote(c) for c in cmd)


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


def predict(model: 'nn.Module', loader: Iterable[dict]
            ) -> Tuple['Tensor', 'Tensor']:
    """Softmax scores ``[n, classes]`` and labels ``[n]`` of ``model`` (put
    in eval mode, then back) over an mmpretrain dataloader, without touching
    any random number stream."""
    import torch
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    scores, labels = [], []
    try:
        with torch.no_grad():
            for data in loader:
                data = model.data_preprocessor(data, False)
                logits = model(data['inputs'], mode='tensor')
                scores.append(logits.float().softmax(dim=1).cpu())
                labels.append(torch.cat(
                    [s.gt_label for s in data['data_samples']]).cpu())
    finally:
        for module, training in modes:
            module.training = training
    return torch.cat(scores), torch.cat(labels)


def top1(scores: 'Tensor', labels: 'Tensor') -> float:
    return 100.0 * (scores.argmax(dim=1) == labels).double().mean().item()


def reliability(scores: 'Tensor', labels: 'Tensor',
                num_bins: int = NUM_BINS) -> dict:
    """Per-bin sums of a reliability diagram: bins ((m−1)/M, m/M] of the
    max-softmax confidence (as :func:`calibration_errors`), with ``count``,
    ``confidence_sum`` and ``correct_sum`` per bin."""
    import torch
    conf, pred = scores.max(dim=1)
    conf = conf.double()
    edges = torch.arange(1, num_bins, dtype=torch.float64,
                         device=conf.device) / num_bins
    bins = torch.bucketize(conf, edges)
    zeros = torch.zeros(num_bins, dtype=torch.float64, device=conf.device)
    return dict(
        num_bins=num_bins,
        count=zeros.index_add(0, bins, torch.ones_like(conf)).tolist(),
        confidence_sum=zeros.index_add(0, bins, conf).tolist(),
        correct_sum=zeros.index_add(
            0, bins, (pred == labels).double()).tolist())


def state_sha256(model: 'nn.Module') -> str:
    """SHA-256 of the model's parameters and buffers (names and bytes, in
    ``state_dict`` order): equal hashes mean bit-identical weights."""
    import hashlib
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def git_commit() -> str:
    """``HEAD``'s commit of the checkout, ``+dirty`` when tracked files that
    a run executes or reads (``mixtoolbox/``, ``configs/``, ``tools/``)
    differ from it, ``unknown`` outside git."""
    def git(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(['git', *cmd], cwd=REPO_ROOT, text=True,
                              capture_output=True)
    head = git('rev-parse', 'HEAD')
    if head.returncode:
        return 'unknown'
    dirty = git('status', '--porcelain', '--untracked-files=no', '--',
                'mixtoolbox', 'configs', 'tools').stdout
    return head.stdout.strip() + ('+dirty' if dirty.strip() else '')


class _CurveRecorder:
    """Test top-1 on the first ``curve_images`` test images and the clean
    (test-pipeline) training top-1 every ``every`` epochs and after the
    last; the global torch RNG state is restored afterwards, so recording a
    curve leaves the training itself unchanged."""

    def __init__(self, runner, every: int, test_loader, train_loader):
        from mmengine.hooks import Hook
        recorder = self
        self.points: List[dict] = []

        class CurveHook(Hook):
            priority = 'LOWEST'

            def after_train_epoch(self, runner: 'Runner') -> None:
                epoch = runner.epoch + 1
                if epoch % every and epoch != runner.max_epochs:
                    return
                recorder.record(runner.model, epoch, runner.iter,
                                test_loader, train_loader)
        runner.register_hook(CurveHook())

    def record(self, model: 'nn.Module', epoch: int, it: int,
               test_loader: Iterable[dict],
               train_loader: Iterable[dict]) -> None:
        import torch
        state = torch.get_rng_state()
        try:
            test = top1(*predict(model, test_loader))
            train = top1(*predict(model, train_loader))
        finally:
            torch.set_rng_state(state)
        self.points.append(dict(epoch=epoch, iter=it,
                                test_top1=round(test, 4),
                                train_top1=round(train, 4)))


def _loader(cfg, indices: Optional[int], test_mode: bool):
    """A test-pipeline dataloader over the test split (``test_mode``) or the
    training split, first ``indices`` images (all if None)."""
    import copy

    from mmengine.runner import Runner
    loader = copy.deepcopy(cfg.test_dataloader)
    loader.dataset.test_mode = test_mode
    loader.dataset.indices = indices
    # an explicit sampler seed: without one mmengine's DefaultSampler draws
    # it from numpy's global stream, which the training then continues from
    loader.sampler = dict(type='DefaultSampler', shuffle=False, seed=0)
    return Runner.build_dataloader(loader)


def run_one(method: str, seed: int, args: argparse.Namespace) -> dict:
    """Train and evaluate one (method, seed) in this process."""
    import torch
    from mmengine.runner import Runner

    from mixtoolbox.evaluation import calibration_errors, robust_error
    from mixtoolbox.utils import register_all_modules
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    commit = git_commit()  # the code this process imported
    proto = settings(method, args)
    cfg = method_config(method, args.config_dir)
    cfg.merge_from_dict(schedule_overrides(proto['epochs']))
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = args.data_root
    cfg.train_dataloader.dataset.indices = proto['train_images']
    cfg.train_dataloader.batch_size = proto['batch_size']
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.work_dir = osp.join(args.work_dir, f'{method}_seed{seed}')
    # mmengine keys its logger and visualiser by experiment name; unique
    # names keep in-process runs apart
    cfg.experiment_name = f'{method}_seed{seed}_{time.strftime("%H%M%S")}'
    cfg.launcher = 'none'
    if cfg.get('env_cfg', {}).get('keep_freed_memory', False):
        from mixtoolbox.utils.allocator import keep_freed_memory
        keep_freed_memory()  # as tools/train.py does for this setting
    start = time.time()
    runner = Runner.from_cfg(cfg)
    test_loader = _loader(cfg, None, True)
    train_loader = _loader(cfg, proto['train_images'], False)
    curve = None
    if proto['curve_every']:
        curve = _CurveRecorder(
            runner, proto['curve_every'],
            _loader(cfg, proto['curve_images'], True), train_loader)
    runner.train()
    train_min = (time.time() - start) / 60
    scores, labels = predict(runner.model, test_loader)
    conf, pred = scores.max(dim=1)
    calib = calibration_errors(conf, pred == labels, NUM_BINS)
    robust = robust_error(runner.model,
                          _loader(cfg, proto['fgsm_images'], True), 'fgsm',
                          eps=8 / 255)
    train_top1 = (curve.points[-1]['train_top1'] if curve else
                  top1(*predict(runner.model, train_loader)))
    row = dict(method=method, seed=seed, **proto,
               top1=top1(scores, labels), ece=100.0 * calib['ece'],
               oe=100.0 * calib['oe'],
               fgsm_error=float(robust['fgsm_error']),
               train_top1=train_top1, train_minutes=train_min,
               reliability=reliability(scores, labels),
               state_sha256=state_sha256(runner.model),
               commit=commit, threads=args.threads,
               torch=torch.__version__, command=command_line(method, seed,
                                                             args))
    if curve:
        row['curve'] = curve.points
    return row


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
    cmd += ['--protocol', args.protocol]
    for opt in ('epochs', 'train_images', 'batch_size', 'config_dir',
                'curve_every', 'curve_images', 'fgsm_images'):
        if getattr(args, opt) is not None:
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


# what a re-run must reproduce exactly (same machine kind, same threads)
VERIFIED = ('top1', 'ece', 'oe', 'fgsm_error', 'train_top1', 'curve',
            'reliability', 'state_sha256')


def verify(method: str, seed: int, args: argparse.Namespace) -> bool:
    """Re-run (method, seed) with the protocol of ``args`` in a fresh
    process and compare it with the stored row; exits 1 on a difference."""
    rows = load_results(args.results, args)
    if (method, seed) not in rows:
        raise SystemExit(f'--verify: no run of {method} seed {seed} with '
                         f'this protocol ({settings(method, args)}) in '
                         f'{args.results}')
    old = rows[(method, seed)]
    if old.get('threads', args.threads) != args.threads:
        raise SystemExit(f'--verify: the stored run used --threads '
                         f'{old["threads"]}, this one {args.threads}')
    print(f'verify: re-running {method} seed {seed} (stored on commit '
          f'{old.get("commit", "?")}, now {git_commit()})', flush=True)
    rerun = argparse.Namespace(**vars(args))
    rerun.work_dir = osp.join(args.work_dir, 'verify')
    os.makedirs(rerun.work_dir, exist_ok=True)
    new = launch((method, seed), rerun)
    if new is None:
        raise SystemExit(1)
    bad = [k for k in VERIFIED if k in old and old[k] != new.get(k)]
    for key in VERIFIED:
        if key in old and key not in ('curve', 'reliability'):
            print(f'  {key}: stored {old[key]}, re-run {new.get(key)}'
                  + ('  <-- differs' if key in bad else ''))
    if bad:
        print(f'verify: FAILED, {", ".join(bad)} differ', flush=True)
        raise SystemExit(1)
    print('verify: OK, the re-run is identical (metrics, curve, '
          'reliability bins, weights)', flush=True)
    return True


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
             f', PreActResNet-18 (width 8), {one("epochs", "epochs")}, '
             f'batch {one("batch_size", "").strip()}; test '
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
    parser.add_argument('--protocol', choices=sorted(PROTOCOLS),
                        default='v2', help='named protocol (default v2: '
                        f'{V2_EPOCHS} epochs on the first {V2_IMAGES} '
                        f'training images, batch {V2_BATCH}, a curve '
                        'point every 5 epochs; '
                        'smoke: the configs\' own 10 epochs on 2,000 '
                        'images, no curve); the options below override it')
    parser.add_argument('--epochs', type=int,
                        help='training epochs (default: the protocol\'s)')
    parser.add_argument('--train-images', type=int,
                        help='the first N training images (default: the '
                        'protocol\'s)')
    parser.add_argument('--batch-size', type=int,
                        help='training batch size (default: the '
                        'protocol\'s; smoke: the configs\', 100)')
    parser.add_argument('--curve-every', type=int,
                        help='a learning-curve point (test top-1 on the '
                        'first --curve-images test images, clean training '
                        'top-1) every N epochs and after the last; 0: none '
                        '(default: the protocol\'s)')
    parser.add_argument('--curve-images', type=int,
                        help='test images of the learning curve (default: '
                        'the protocol\'s)')
    parser.add_argument('--fgsm-images', type=int,
                        help='FGSM error on the first N test images '
                        '(default: the protocol\'s; smoke: all 10,000)')
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
    parser.add_argument('--verify', nargs=2, metavar=('METHOD', 'SEED'),
                        help='re-run one (method, seed) already in the '
                        'results file with its recorded protocol and check '
                        'that it gives the same numbers and weights (exit '
                        '1 if not); the new run is not stored')
    parser.add_argument('--worker', nargs=2, metavar=('METHOD', 'SEED'),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ('epochs', 'train_images', 'batch_size', 'jobs', 'threads',
                 'curve_images', 'fgsm_images'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{value}')
    if args.curve_every is not None and args.curve_every < 0:
        parser.error(f'--curve-every must be >= 0, got {args.curve_every}')
    if args.config_dir and not osp.isdir(_dir(args.config_dir)):
        parser.error(f'--config-dir: no folder {args.config_dir}')
    methods = ([args.worker[0]] if args.worker else
               [args.verify[0]] if args.verify else args.methods)
    try:
        for method in methods:
            method_config(method, args.config_dir)
    except ValueError as err:
        parser.error(str(err))
    args.methods = [canonical(m) for m in args.methods]
    args.results = args.results or osp.join(args.work_dir, 'results.jsonl')
    return args


def main(argv: Optional[Sequence[str]] = None) -> Any:
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
    if args.verify:
        return verify(canonical(args.verify[0]), int(args.verify[1]), args)
    rows = load_results(args.results, args)
    # seed-major: a run cut short still has every method at its first seeds
    todo = [] if args.print_only else [
        (m, s) for s in args.seeds for m in args.methods
        if (m, s) not in rows]
    done = len(args.methods) * len(args.seeds) - len(todo)
    print(f'{len(todo)} run(s) to do, {done} already in {args.results}',
          flush=True)

    def finish(row: Optional[dict]) -> None:
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
