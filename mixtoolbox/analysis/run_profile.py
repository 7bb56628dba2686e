"""Where the time of a training run goes, measured through the real Runner.

The config is trained exactly as ``tools/train.py`` trains it (same config
merging, same ``mmengine.runner.Runner``, its dataloaders, hooks,
checkpoints and validation), for one epoch (``--epochs``) or the first
``--iters`` iterations of each epoch, while timers wrapped around the
Runner's parts record every call:

- **data loading**: each ``next()`` on the train / val dataloader (worker
  hand-over, collation);
- **data preprocessor**: ``model.data_preprocessor`` (to the device,
  normalisation, batch augmentation);
- **forward**: ``model.forward`` (mixing and loss when training, prediction
  when evaluating); **backward**: ``optim_wrapper.backward``; **optimizer**:
  ``optim_wrapper.step`` and ``zero_grad``;
- **hooks**: every method of every registered hook, one row per hook class
  and stage (logging is ``LoggerHook``, checkpointing
  ``AtomicCheckpointHook``);
- **evaluation**: the val loop (its data loading, forward, the metric's
  ``process`` and ``evaluate``);
- **set-up**: building the Runner and, inside ``Runner.train``, the loops,
  datasets, optimiser and weights.

Timed regions nest (a hook inside validation, the forward inside
``train_step``); each row is the region's *own* time, its children
subtracted, so the rows add up to the measured wall time. On CUDA every
boundary synchronises the device. The last lines extrapolate the config's
full run (all epochs, its validations, plus the separate test of
``make quickstart``) from the measured rates; that is an estimate, labelled
as such.

The command line is ``tools/analysis/profile_quickstart.py``::

    python tools/analysis/profile_quickstart.py --iters 100
    python tools/analysis/profile_quickstart.py CFG --epochs 1 --json p.json
"""
import argparse
import collections
import contextlib
import functools
import json
import os
import os.path as osp
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Iterator,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from .common import cpu_model

if TYPE_CHECKING:
    from mmengine.config import Config
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

_T0 = time.perf_counter()  # before the heavy imports (inside main)

DEFAULT_CONFIG = osp.join('configs', 'quickstart',
                          'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
HOOK_STAGES = (
    'before_run', 'after_run', 'before_train', 'after_train',
    'before_train_epoch', 'after_train_epoch', 'before_train_iter',
    'after_train_iter', 'before_val', 'after_val', 'before_val_epoch',
    'after_val_epoch', 'before_val_iter', 'after_val_iter',
    'before_save_checkpoint', 'after_load_checkpoint')
# how a row scales from the profiled run to the config's full run
PER_ITER, PER_EPOCH, PER_VAL, ONCE = 'iter', 'epoch', 'val', 'once'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Profile a training run through the real mmengine '
        'Runner (data loading, preprocessing, forward, backward, optimizer, '
        'each hook, checkpointing, evaluation, set-up) and print a table of '
        'where the time goes, with an extrapolation to the full run. See '
        'the module docstring for what each row measures.')
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG,
                        help=f'training config (default: {DEFAULT_CONFIG})')
    parser.add_argument('--epochs', type=int, default=1,
                        help='epochs to run (default 1)')
    parser.add_argument('--iters', type=int,
                        help='stop each epoch after this many iterations '
                        '(default: whole epochs)')
    parser.add_argument('--no-eval', action='store_true',
                        help='skip the validation after the profiled epochs')
    parser.add_argument('--work-dir', default=osp.join(
        'work_dirs', 'profile_quickstart'), help='where the profiled run '
        'writes its logs and checkpoints (default: %(default)s; never '
        'resumed from)')
    parser.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE',
                        help='override config entries as in tools/train.py')
    parser.add_argument('--min-percent', type=float, default=0.2,
                        help='print rows under this share of the wall time '
                        'as one summary line (default %(default)s; 0 prints '
                        'every row; the JSON always has all rows)')
    parser.add_argument('--json', help='also write the rows and the '
                        'extrapolation to this JSON file')
    args = parser.parse_args(argv)
    for name in ('epochs', 'iters'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name} must be a positive integer, got {value}')
    if not 0 <= args.min_percent <= 100:
        parser.error('--min-percent must be in [0, 100], got '
                     f'{args.min_percent}')
    return args


class PhaseTimer:
    """Exclusive wall time of nested, named regions.

    ``region(name, scale)`` is a context manager; a region's own time is its
    duration minus that of the regions opened inside it. ``sync`` (e.g.
    ``torch.cuda.synchronize``) runs at every boundary so that asynchronous
    device work is charged to the region that queued it.
    """

    def __init__(self, sync=None):
        self.sync = sync
        self.own = collections.defaultdict(float)
        self.calls = collections.Counter()
        self.scale = {}
        self._stack = []  # [name, start, children's time]

    @contextlib.contextmanager
    def region(self, name: str, scale: str) -> Iterator[None]:
        if self.sync is not None:
            self.sync()
        self._stack.append([name, time.perf_counter(), 0.0])
        try:
            yield
        finally:
            if self.sync is not None:
                self.sync()
            _, start, children = self._stack.pop()
            spent = time.perf_counter() - start
            self.own[name] += spent - children
            self.calls[name] += 1
            self.scale.setdefault(name, scale)
            if self._stack:
                self._stack[-1][2] += spent

    def wrap(self, owner: Any, attr: str,
             name: Union[str, Callable[..., Tuple[str, str]]],
             scale: Optional[str] = None) -> None:
        """Time every call of ``owner.attr`` (an instance attribute shadows
        the method, so callers that look it up on the instance are timed).
        ``name`` is a row name (with its ``scale``) or a callable of the
        call's arguments returning ``(name, scale)``."""
        original = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args, **kwargs) -> Any:
            label, how = name(*args, **kwargs) if callable(name) \
                else (name, scale)
            with self.region(label, how):
                return original(*args, **kwargs)

        setattr(owner, attr, timed)


class TimedLoader:
    """A dataloader whose ``next()`` calls are timed; it stops an epoch
    after ``limit`` batches and otherwise behaves like the wrapped loader
    (attribute access is forwarded: sampler, dataset, batch_size...)."""

    def __init__(self, loader, timer: PhaseTimer, name: str, scale: str,
                 limit=None):
        self._loader, self._timer = loader, timer
        self._name, self._scale, self._limit = name, scale, limit

    def __len__(self):
        n = len(self._loader)
        return n if self._limit is None else min(n, self._limit)

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def __iter__(self):
        iterator = iter(self._loader)
        for _ in range(len(self)):
            with self._timer.region(self._name, self._scale):
                try:
                    batch = next(iterator)
                except StopIteration:
                    return
            yield batch


def instrument(runner: 'Runner', timer: PhaseTimer,
               iters: Optional[int] = None) -> None:
    """Wrap the Runner's parts (after its loops are built) with timers."""
    from mmengine.model import is_model_wrapper
    model = runner.model
    inner = model.module if is_model_wrapper(model) else model
    loop = runner.train_loop

    loop.dataloader = TimedLoader(loop.dataloader, timer,
                                  'train: data loading', PER_ITER, iters)
    timer.wrap(loop, 'run', 'train: loop (per epoch: model.train())',
               PER_EPOCH)
    timer.wrap(loop, 'run_iter', 'train: iteration rest (hook dispatch)',
               PER_ITER)
    timer.wrap(model, 'train_step', 'train: train_step rest (loss parsing)',
               PER_ITER)

    def phase(label: str) -> Tuple[str, str]:
        return (f'train: {label}', PER_ITER) if inner.training else \
            (f'eval: {label}', PER_VAL)

    timer.wrap(inner.data_preprocessor, 'forward',
               lambda *a, **k: phase('data preprocessor'))
    timer.wrap(inner, 'forward', lambda *a, mode='tensor', **k: phase(
        'forward + mixing + loss' if mode == 'loss' else f'forward ({mode})'))
    optim = runner.optim_wrapper
    timer.wrap(optim, 'backward', 'train: backward', PER_ITER)
    timer.wrap(optim, 'step', 'train: optimizer step', PER_ITER)
    timer.wrap(optim, 'zero_grad', 'train: optimizer zero_grad', PER_ITER)

    val = runner.val_loop if runner._val_loop is not None else None
    if val is not None:
        val.dataloader = TimedLoader(val.dataloader, timer,
                                     'eval: data loading', PER_VAL)
        timer.wrap(val, 'run', 'eval: loop overhead', PER_VAL)
        timer.wrap(val, 'run_iter', 'eval: iteration rest (hook dispatch)',
                   PER_VAL)
        timer.wrap(val.evaluator, 'process', 'eval: metric process', PER_VAL)
        timer.wrap(val.evaluator, 'evaluate', 'eval: metric evaluate',
                   PER_VAL)

    for hook in runner.hooks:
        if getattr(hook, 'is_profiler', False):
            continue
        for stage in HOOK_STAGES:
            if 'val' in stage:
                scale = PER_VAL
            elif stage.endswith('_iter'):
                scale = PER_ITER
            elif stage.endswith('_epoch') or stage == 'before_save_checkpoint':
                scale = PER_EPOCH
            else:
                scale = ONCE
            timer.wrap(hook, stage, f'hook {type(hook).__name__}.{stage}',
                       scale)


def instrument_hook(timer: PhaseTimer, iters: Optional[int] = None) -> 'Hook':
    """A Runner hook whose ``before_run`` instruments the Runner (its loops,
    optimiser wrapper and val loop exist by then)."""
    from mmengine.hooks import Hook

    class ProfilerHook(Hook):
        is_profiler = True

        def before_run(self, runner: 'Runner') -> None:
            instrument(runner, timer, iters)

    return ProfilerHook()


def full_run_plan(cfg: 'Config') -> dict:
    """Epochs and validations of the config's own schedule."""
    train_cfg = cfg.train_cfg
    if 'max_iters' in train_cfg:
        raise ValueError('profile_quickstart: the config must be '
                         'epoch-based (`train_cfg.max_epochs`), got '
                         f'{dict(train_cfg)}')
    epochs = int(train_cfg.max_epochs)
    interval = int(train_cfg.get('val_interval', 1))
    begin = int(train_cfg.get('val_begin', 1))
    has_val = bool(cfg.get('val_dataloader')) and cfg.get('val_cfg') \
        is not None
    vals = sum(1 for e in range(1, epochs + 1)
               if e >= begin and (e % interval == 0 or e == epochs)) \
        if has_val else 0
    return dict(epochs=epochs, vals=vals)


def summarise(timer: PhaseTimer, wall: float, done: dict, full: dict,
              startup: float) -> dict:
    """Rows sorted by time and the extrapolation to the full run."""
    rows = [dict(phase=name, calls=timer.calls[name], own_s=timer.own[name],
                 scale=timer.scale[name]) for name in timer.own]
    accounted = sum(r['own_s'] for r in rows)
    rows.append(dict(phase='other (not inside any timed region)', calls=1,
                     own_s=max(wall - accounted, 0.0), scale=ONCE))
    rows.sort(key=lambda r: -r['own_s'])
    for row in rows:
        row['ms_per_call'] = 1e3 * row['own_s'] / row['calls']
        row['percent'] = 100.0 * row['own_s'] / wall if wall else 0.0
    factor = {PER_ITER: full['iters'] / max(done['iters'], 1),
              PER_EPOCH: full['epochs'] / max(done['epochs'], 1),
              PER_VAL: (full['vals'] / done['vals']) if done['vals'] else 0.0,
              ONCE: 1.0}
    train_s = sum(r['own_s'] * factor[r['scale']] for r in rows)
    per_val = sum(r['own_s'] for r in rows if r['scale'] == PER_VAL) / \
        max(done['vals'], 1)
    per_iter = sum(r['own_s'] for r in rows if r['scale'] == PER_ITER) / \
        max(done['iters'], 1)
    estimate = dict(
        s_per_iter=per_iter, eval_s=per_val if done['vals'] else None,
        full_training_s=train_s,
        # make quickstart: tools/train.py, then tools/test.py (a second
        # start-up and one evaluation pass over the test set)
        quickstart_s=(train_s + 2 * startup + per_val)
        if done['vals'] else None)
    return dict(rows=rows, wall_s=wall, startup_s=startup, done=done,
                full=full, estimate=estimate)


def print_table(result: dict, header: dict, min_percent: float = 0) -> None:
    print('\n'.join(f'{k}: {v}' for k, v in header.items()))
    shown = [r for r in result['rows'] if r['percent'] >= min_percent]
    small = [r for r in result['rows'] if r['percent'] < min_percent]
    if small:
        shown.append(dict(
            phase=f'{len(small)} more rows, each under {min_percent:g}%',
            calls=sum(r['calls'] for r in small),
            own_s=sum(r['own_s'] for r in small), ms_per_call=float('nan'),
            percent=sum(r['percent'] for r in small)))
    width = max(len(r['phase']) for r in shown)
    print(f'\n| {"phase":<{width}} | calls | own s | ms/call | % wall |')
    print(f'|{"-" * (width + 2)}|------:|------:|--------:|-------:|')
    for r in shown:
        print(f'| {r["phase"]:<{width}} | {r["calls"]:5d} | '
              f'{r["own_s"]:5.1f} | {r["ms_per_call"]:7.1f} | '
              f'{r["percent"]:5.1f}% |')
    done, full, est = result['done'], result['full'], result['estimate']
    print(f'\nprofiled: {done["epochs"]} epoch(s), {done["iters"]} '
          f'iteration(s), {done["vals"]} evaluation(s) in '
          f'{result["wall_s"]:.1f} s (+ {result["startup_s"]:.1f} s '
          'imports before the Runner)')
    print(f'per training iteration: {est["s_per_iter"]:.3f} s '
          '(every per-iteration row)')
    if est['eval_s'] is not None:
        print(f'one evaluation: {est["eval_s"]:.1f} s')
    print(f'extrapolated full training ({full["epochs"]} epochs, '
          f'{full["iters"]} iterations, {full["vals"]} evaluation(s)): '
          f'{est["full_training_s"]:.0f} s')
    if est['quickstart_s'] is not None:
        print('extrapolated make quickstart (training, then tools/test.py: '
              f'one more start-up and evaluation): {est["quickstart_s"]:.0f} '
              's — an estimate from this run\'s rates, not a measurement')


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """``tools/analysis/profile_quickstart.py``; returns the rows, the
    measured wall time and the extrapolation."""
    t0 = _T0 if argv is None else time.perf_counter()
    args = parse_args(argv)
    import torch
    from mmengine.config import Config
    from mmengine.runner import Runner

    from mixtoolbox.apis import train as train_tool  # as training does
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)

    train_argv = [args.config, '--work-dir', args.work_dir]
    if args.no_eval:
        train_argv.append('--no-validate')
    if args.cfg_options:
        train_argv += ['--cfg-options'] + args.cfg_options
    train_args = train_tool.parse_args(train_argv)
    cfg = train_tool.merge_args(Config.fromfile(args.config), train_args)
    full = full_run_plan(cfg)
    cfg.train_cfg.max_epochs = args.epochs
    if cfg.get('val_cfg') is not None and cfg.get('val_dataloader'):
        cfg.train_cfg.val_interval = args.epochs
        cfg.train_cfg.val_begin = 1
    cfg.resume, cfg.load_from = False, None
    startup = time.perf_counter() - t0

    timer = PhaseTimer(torch.cuda.synchronize
                       if torch.cuda.is_available() else None)
    start = time.perf_counter()
    with timer.region('set-up: build the Runner', ONCE):
        runner = Runner.from_cfg(cfg)
    runner.register_hook(instrument_hook(timer, args.iters), 'HIGHEST')
    with timer.region('set-up: Runner.train (loops, datasets, optimiser, '
                      'weights)', ONCE):
        runner.train()
    wall = time.perf_counter() - start
    if torch.cuda.is_available():
        timer.sync = None

    epoch_len = len(runner.train_loop.dataloader._loader)
    done = dict(epochs=args.epochs, iters=runner.train_loop.iter,
                vals=timer.calls.get('eval: loop overhead', 0))
    full['iters'] = full['epochs'] * epoch_len
    result = summarise(timer, wall, done, full, startup)
    loader_cfg = cfg.train_dataloader
    header = {
        'config': args.config,
        'machine': f'{os.cpu_count()} CPU(s), {cpu_model()}, '
                   f'torch {torch.__version__}, '
                   f'{"CUDA" if torch.cuda.is_available() else "CPU"}',
        'torch threads': torch.get_num_threads(),
        'train loader': f'batch {loader_cfg.batch_size}, num_workers '
                        f'{loader_cfg.get("num_workers", 0)}, '
                        f'{epoch_len} iterations/epoch',
        'load average (1 min)': f'{os.getloadavg()[0]:.2f}'
        if hasattr(os, 'getloadavg') else 'n/a',
    }
    print_table(result, header, args.min_percent)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(header=header, **result), f, indent=1)
    return result
