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

from eval_common import (add_model_args, add_output_args, dump_metrics,
                         load_test_config)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Expected calibration error (ECE) and over-confidence '
        'error (OE) of a classifier on the test set of its config.')
    add_model_args(parser)
    parser.add_argument('--num-bins', type=int, default=15,
                        help='equal-width confidence bins M (default 15; '
                        'seed 002 uses 10)')
    add_output_args(parser, 'eval_calibration')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_test_config(args, 'eval_calibration')
    cfg.load_from = args.checkpoint
    cfg.test_evaluator = [
        dict(type='Accuracy', topk=(1, )),
        dict(type='CalibrationError', num_bins=args.num_bins)
    ]
    cfg.test_cfg = cfg.get('test_cfg') or dict()

    from mmengine.runner import Runner
    return dump_metrics(Runner.from_cfg(cfg).test(), args.out)


if __name__ == '__main__':
    main()
