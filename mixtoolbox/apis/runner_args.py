"""What tools/train.py and tools/test.py share: the launcher options, the
command-line overrides every run folds into its config, and loading +
checking the config before the Runner is built."""
import argparse
import os
import os.path as osp
from typing import Callable, Optional

from mmengine.config import Config


def add_launcher_args(parser: argparse.ArgumentParser, job: str) -> None:
    """--launcher (``job``: 'training' or 'testing'), --local_rank and
    --debug."""
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help=f'job launcher for distributed {job}')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument('--debug', action='store_true',
                        help='on a config error, raise it with its full '
                        'Python traceback instead of the one-line message')


def export_local_rank(args: argparse.Namespace) -> None:
    """``LOCAL_RANK`` from --local_rank unless the launcher set it."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def merge_common_args(cfg: Config, args: argparse.Namespace) -> None:
    """--cfg-options, --launcher and --work-dir (default:
    work_dirs/<config name> unless the config names one) into ``cfg``."""
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])


def load_checked_config(args: argparse.Namespace, errors: Optional[object],
                        merge_args: Callable[[Config, argparse.Namespace],
                                             Config],
                        training: bool) -> Config:
    """Register the modules, load ``args.config`` (made known to
    ``errors`` for its messages), fold the command line in with
    ``merge_args`` and check the result."""
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)

    from mixtoolbox.utils.config_checks import check_config, load_config
    cfg = load_config(args.config)
    if errors is not None:
        errors.cfg = cfg
    cfg = merge_args(cfg, args)
    check_config(cfg, training=training)
    return cfg
