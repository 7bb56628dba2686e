"""Train a mixtoolbox model with the mmengine Runner.

Examples:
    python tools/train.py \
        configs/quickstart/cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py
    python tools/train.py CFG --work-dir work_dirs/x --resume --amp
    python tools/train.py CFG --test --test-out metrics.json  # then test
    bash tools/dist_train.sh CFG 8        # 8 processes via torchrun

A config the run cannot use (unknown type or key, a value out of range,
parts that do not fit together, a missing data root or weight file) stops
before the data sets are built (the checks of how the parts fit together and
of files, before anything is built), with ``error: <message>`` on one line
and exit status 2; ``--debug`` shows the Python traceback instead.
"""
import argparse
from typing import TYPE_CHECKING, Optional, Sequence, Union

from mmengine.config import Config, DictAction

from mixtoolbox.utils.errors import ConfigError

from . import runner_args

if TYPE_CHECKING:
    from mmengine.runner import Runner


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train a classifier (or self-supervised model) from a '
        'mixtoolbox config.',
        epilog='A config error is reported as one line "error: <message>" '
        '(exit status 2); --debug shows the traceback instead.')
    parser.add_argument('config', help='training config file path')
    parser.add_argument('--work-dir', help='directory for logs and '
                        'checkpoints (default: work_dirs/<config name>)')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint; without a value, from the '
        'latest checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision training (fp16 on CUDA, bf16 on '
                        'CPU)')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate linearly with the '
                        'total batch size (`auto_scale_lr` of the config)')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='disable pin_memory in all dataloaders')
    parser.add_argument('--no-persistent-workers', action='store_true',
                        help='disable persistent_workers in all dataloaders')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. '
        'model.mix_policy.0.alpha=0.2 train_cfg.max_epochs=10')
    parser.add_argument(
        '--test', action='store_true',
        help='after training, evaluate the final weights on the test split '
        '(`test_dataloader` / `test_evaluator` of the config) in the same '
        'process, as tools/test.py would with the last checkpoint')
    parser.add_argument('--test-out', metavar='FILE',
                        help='with --test: write the test metrics to FILE '
                        '(json/yaml/pkl by extension)')
    runner_args.add_launcher_args(parser, 'training')
    args = parser.parse_args(argv)
    if args.test_out and not args.test:
        parser.error('--test-out needs --test')
    runner_args.export_local_rank(args)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold the command line into the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    runner_args.merge_common_args(cfg, args)

    if args.amp:
        from mixtoolbox.utils import amp_optim_wrapper
        cfg.optim_wrapper = amp_optim_wrapper(cfg.optim_wrapper)

    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume

    if args.auto_scale_lr:
        if not isinstance(cfg.get('auto_scale_lr'), dict) or \
                'base_batch_size' not in cfg.auto_scale_lr:
            raise ConfigError('--auto-scale-lr needs `auto_scale_lr = '
                             'dict(base_batch_size=...)` in the config')
        cfg.auto_scale_lr.enable = True

    if getattr(args, 'test', False):
        missing = [k for k in ('test_dataloader', 'test_cfg', 'test_evaluator')
                   if cfg.get(k) is None]
        if missing:
            raise ConfigError('--test needs ' + ', '.join(missing) +
                              ' in the config')

    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if not loader:
            continue
        if args.no_pin_memory:
            loader['pin_memory'] = False
        if args.no_persistent_workers or loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False

    from mixtoolbox.utils import fit_dist_backend
    fit_dist_backend(cfg)
    keep = cfg.get('env_cfg', {}).get('keep_freed_memory', False)
    if not isinstance(keep, bool):
        raise ConfigError('env_cfg.keep_freed_memory must be True or False, '
                          f'got {keep!r}')
    if keep:
        # large CPU batches (e.g. multi-mix's K·N batch) stop paying page
        # faults every step; see mixtoolbox/utils/allocator.py
        from mixtoolbox.utils.allocator import keep_freed_memory
        keep_freed_memory()
    return cfg


def main(argv: Union[Sequence[str], argparse.Namespace, None] = None,
         errors: Optional[object] = None) -> 'Runner':
    """Train; config errors are raised (see :func:`cli` for the command
    line, which reports them in one line)."""
    args = parse_args(argv) if not isinstance(argv, argparse.Namespace) \
        else argv
    cfg = runner_args.load_checked_config(args, errors, merge_args,
                                          training=True)
    from mixtoolbox.utils.checkpoint import resolve_resume
    notes = []  # said through the run's logger once it exists
    resolve_resume(cfg, log=notes.append)

    if 'runner_type' in cfg:
        from mmengine.registry import RUNNERS
        runner = RUNNERS.build(cfg)
    else:
        from mmengine.runner import Runner
        runner = Runner.from_cfg(cfg)
    for note in notes:
        runner.logger.warning(note)
    runner.train()
    if args.test:
        # the same Runner: its test loop evaluates the weights just trained
        # (== the last checkpoint) without a second start-up
        metrics = runner.test()
        if args.test_out:
            import mmengine
            mmengine.dump(metrics, args.test_out)
    close_process_group()
    return runner


def cli(argv: Optional[Sequence[str]] = None) -> 'Runner':
    """The command line: :func:`main` with a user's error (see
    :func:`mixtoolbox.utils.errors.explain`) printed as one line and exit
    status 2, unless ``--debug``."""
    from mixtoolbox.utils.errors import run_tool
    return run_tool(main, parse_args(argv))


def close_process_group() -> None:
    """Tear the process group down while the interpreter is fully alive.

    A process that leaves it to interpreter shutdown aborts now and then
    (SIGABRT, "terminate called without an active exception"): the gloo
    group's C++ threads and pending work are destroyed during Python's
    finalization. Only after a successful run: after a failure another rank
    may be stuck in a collective, and the process just exits.
    """
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()

