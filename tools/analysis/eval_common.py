"""What the evaluation entry points (``eval_calibration.py``,
``eval_robustness.py``, ``eval_ood.py``) share: the command line around a
config and a checkpoint, and the test-time config they all start from."""
import os.path as osp

from mmengine.config import Config, DictAction


def add_model_args(parser):
    """The positional ``config`` and ``checkpoint``."""
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')


def add_output_args(parser, tool: str):
    """``--work-dir``, ``--out`` and ``--cfg-options``."""
    parser.add_argument('--work-dir', help='directory for the log (default: '
                        f'work_dirs/<config name>/{tool})')
    parser.add_argument('--out', help='write the metrics to this json file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. test_dataloader.batch_size=64')


def load_test_config(args, tool: str) -> Config:
    """The config with ``--cfg-options`` merged, the work dir set and no
    launcher, after checking that the checkpoint exists; registers the
    toolbox's modules (default scope ``mixtoolbox``)."""
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0], tool)
    cfg.launcher = 'none'
    return cfg


def dump_metrics(metrics: dict, out) -> dict:
    if out:
        import mmengine
        mmengine.dump(metrics, out)
    return metrics
