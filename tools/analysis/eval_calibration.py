#!/usr/bin/env python
"""Top-1 accuracy, ECE and OE of a checkpoint on its config's test set.

Runs mmengine's test loop with the config's test dataloader and the
evaluator replaced by ``Accuracy`` + ``CalibrationError`` (seed 000 Table 9;
seed 002 §IV-H). Equivalent to adding
``dict(type='CalibrationError', num_bins=M)`` to ``test_evaluator``.

Examples:
    python tools/analysis/eval_calibration.py CFG CKPT
    python tools/analysis/eval_calibration.py CFG CKPT --num-bins 10 \
        --out calibration.json
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Expected calibration error (ECE) and over-confidence '
        'error (OE) of a classifier on the test set of its config.')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--num-bins', type=int, default=15,
                        help='equal-width confidence bins M (default 15; '
                        'seed 002 uses 10)')
    parser.add_argument('--work-dir', help='directory for the log (default: '
                        'work_dirs/<config name>/eval_calibration)')
    parser.add_argument('--out', help='write the metrics to this json file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. test_dataloader.batch_size=64')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)

    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0],
        'eval_calibration')
    cfg.launcher = 'none'
    cfg.load_from = args.checkpoint
    cfg.test_evaluator = [
        dict(type='Accuracy', topk=(1, )),
        dict(type='CalibrationError', num_bins=args.num_bins)
    ]
    cfg.test_cfg = cfg.get('test_cfg') or dict()

    from mmengine.runner import Runner
    metrics = Runner.from_cfg(cfg).test()
    if args.out:
        import mmengine
        mmengine.dump(metrics, args.out)
    return metrics


if __name__ == '__main__':
    main()
