"""The command-line options the step-timing tools (speed, saliency_speed)
share, and their checks."""
import argparse
from typing import Sequence


def add_timing_args(parser: argparse.ArgumentParser,
                    image_size_help: str) -> None:
    """The options every step-timing tool shares (--image-size, --reps,
    --warmup, --threads, --device), in that order; see
    :func:`check_timing_args`."""
    parser.add_argument('--image-size', type=int, nargs=2, metavar=('H', 'W'),
                        help=image_size_help)
    parser.add_argument('--reps', type=int, default=5,
                        help='timed rounds; medians are reported (default 5)')
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed rounds first (default 1)')
    parser.add_argument('--threads', type=int,
                        help='torch intra-op threads (default: torch\'s)')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])


def check_timing_args(parser: argparse.ArgumentParser,
                      args: argparse.Namespace,
                      at_least_one: Sequence[str]) -> None:
    """``parser.error`` for an option of ``at_least_one`` (attribute names)
    below 1 or a negative --warmup."""
    for name in at_least_one:
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{value}')
    if args.warmup < 0:
        parser.error(f'--warmup must be >= 0, got {args.warmup}')
