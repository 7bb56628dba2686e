"""Evaluate a checkpoint on the test set of a mixtoolbox config.

Examples:
    python tools/test.py CFG work_dirs/x/epoch_10.pth
    python tools/test.py CFG CKPT --out results.pkl --out-item pred
    bash tools/dist_test.sh CFG CKPT 8

A config the run cannot use stops with ``error: <message>`` on one line and
exit status 2; ``--debug`` shows the Python traceback instead.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence, Union

from mmengine.config import Config, DictAction

from . import runner_args


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Test (evaluate) a model from a mixtoolbox config.',
        epilog='A config error is reported as one line "error: <message>" '
        '(exit status 2); --debug shows the traceback instead.')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for the evaluation '
                        'log (default: work_dirs/<config name>)')
    parser.add_argument('--out', help='dump predictions or metrics to this '
                        'pickle/json file')
    parser.add_argument('--out-item', choices=['metrics', 'pred'],
                        default='pred', help="what --out holds: the metrics "
                        "or every sample's prediction (default)")
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision inference')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. test_dataloader.batch_size=64')
    runner_args.add_launcher_args(parser, 'testing')
    args = parser.parse_args(argv)
    runner_args.export_local_rank(args)
    if args.out and args.out_item == 'pred' and not args.out.endswith(
            ('.pkl', '.pickle')):
        parser.error('--out with --out-item pred must be a .pkl file')
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    runner_args.merge_common_args(cfg, args)
    cfg.load_from = args.checkpoint
    if args.amp:
        cfg.test_cfg = dict(cfg.get('test_cfg') or {}, fp16=True)
    if args.out and args.out_item == 'pred':
        evaluator = cfg.test_evaluator
        evaluator = list(evaluator) if isinstance(evaluator, (list, tuple)) \
            else [evaluator]
        cfg.test_evaluator = evaluator + [
            dict(type='DumpResults', out_file_path=args.out)]
    from mixtoolbox.utils import fit_dist_backend
    fit_dist_backend(cfg)
    return cfg


def main(argv: Union[Sequence[str], argparse.Namespace, None] = None,
         errors: Optional[object] = None) -> dict:
    """Evaluate; config errors are raised (see :func:`cli` for the command
    line, which reports them in one line)."""
    args = parse_args(argv) if not isinstance(argv, argparse.Namespace) \
        else argv
    if not osp.isfile(args.checkpoint):
        from mixtoolbox.utils.errors import MissingFileError
        raise MissingFileError(f'checkpoint not found: {args.checkpoint!r}')
    cfg = runner_args.load_checked_config(args, errors, merge_args,
                                          training=False)
    # after the cheap config checks: reading a large checkpoint takes time
    from mixtoolbox.utils.checkpoint import readable_checkpoint_or_exit
    readable_checkpoint_or_exit(args.checkpoint)
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out and args.out_item == 'metrics':
        import mmengine
        mmengine.dump(metrics, args.out)
    return metrics


def cli(argv: Optional[Sequence[str]] = None) -> dict:
    """The command line: :func:`main` with a user's error (see
    :func:`mixtoolbox.utils.errors.explain`) printed as one line and exit
    status 2, unless ``--debug``."""
    from mixtoolbox.utils.errors import run_tool
    return run_tool(main, parse_args(argv))

