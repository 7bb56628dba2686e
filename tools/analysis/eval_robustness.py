#!/usr/bin/env python
"""Top-1 error under FGSM / PGD ℓ∞ attacks on the test set of a config.

Defaults follow seed 001 §4.2 (Table 3): FGSM ε = 8/255; PGD ε = 4/255,
step 2/255. The seeds give no PGD iteration count; ``--steps`` defaults to
10 from a random start (Madry et al.). ε is in [0, 1] pixel space and is
converted through the model's data-preprocessor normalisation.

Examples:
    python tools/analysis/eval_robustness.py CFG CKPT
    python tools/analysis/eval_robustness.py CFG CKPT --attack pgd \
        --steps 20 --out robustness.json
"""
import argparse

from eval_common import (add_model_args, add_output_args, dump_metrics,
                         load_test_config)

DEFAULT_EPS = dict(fgsm=8 / 255, pgd=4 / 255)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Clean and adversarial (FGSM / PGD) top-1 error of a '
        'classifier on the test set of its config.')
    add_model_args(parser)
    parser.add_argument('--attack', nargs='+', choices=['fgsm', 'pgd'],
                        default=['fgsm', 'pgd'], help='attacks to run')
    parser.add_argument('--eps', type=float, help='ℓ∞ radius in [0, 1] '
                        'pixel space (default 8/255 for FGSM, 4/255 for PGD)')
    parser.add_argument('--step-size', type=float, default=2 / 255,
                        help='PGD step in [0, 1] pixel space (default 2/255)')
    parser.add_argument('--steps', type=int, default=10,
                        help='PGD iterations (default 10)')
    parser.add_argument('--no-random-start', action='store_true',
                        help='start PGD at the clean input')
    add_output_args(parser, 'eval_robustness')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_test_config(args, 'eval_robustness')
    from mmengine.runner import Runner

    from mixtoolbox.evaluation import robust_error
    runner = Runner.from_cfg(cfg)
    runner.load_checkpoint(args.checkpoint, map_location='cpu')
    loader = Runner.build_dataloader(cfg.test_dataloader)

    metrics = {}
    for attack in args.attack:
        kwargs = dict(eps=DEFAULT_EPS[attack] if args.eps is None
                      else args.eps)
        if attack == 'pgd':
            kwargs.update(step_size=args.step_size, steps=args.steps,
                          random_start=not args.no_random_start)
        result = robust_error(runner.model, loader, attack, **kwargs)
        metrics.update(result)
        runner.logger.info(f'{attack} {kwargs}: {result}')
    return dump_metrics(metrics, args.out)


if __name__ == '__main__':
    main()
