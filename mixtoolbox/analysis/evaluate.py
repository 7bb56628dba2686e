"""The evaluation commands ``tools/analysis/eval_calibration.py``,
``eval_robustness.py`` and ``eval_ood.py``: a config and a checkpoint in,
metrics out (and optionally a JSON file).

- calibration: mmengine's test loop with the evaluator replaced by
  ``Accuracy`` + ``CalibrationError`` (ECE and OE as defined by Shen, Yu,
  Yang and Kwok, "Mixup Augmentation with Multiple Interpolations",
  arXiv:2406.01417, 2024, §IV-H; reported for MultiMix by Venkataramanan et
  al., "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and
  Beyond Examples", NeurIPS 2023, arXiv:2311.05538, App. Table 9);
- robustness: clean, FGSM and PGD top-1 error
  (:func:`mixtoolbox.evaluation.robust_error`), defaults of Venkataramanan,
  Kijak, Amsaleg and Avrithis, "Teach me how to Interpolate a Myriad of
  Embeddings", arXiv:2206.14868, §4.2 / Table 3: FGSM ε = 8/255, PGD
  ε = 4/255 with step 2/255. Neither paper gives the PGD iteration count;
  ``--steps`` defaults to 10 from a random start (Madry et al., ICLR 2018);
- OOD detection: the config's test set is in-distribution, a folder of
  images is OOD (NeurIPS 2023 version above, App. A.3 / Table 10, uses LSUN
  crop, iSUN and TinyImageNet crop against CIFAR-100), scored by the
  ``OODDetection`` metric.

OOD images are read with the ID test pipeline (``LoadImageFromFile`` is
prepended when that pipeline reads no files, as for CIFAR), optionally
resized with ``--ood-resize``. ``LoadImageFromFile`` decodes to BGR while
mmpretrain's in-memory datasets (CIFAR, MNIST) hold RGB, so by default
(``--ood-channel-order auto``) OOD images are flipped to RGB exactly when
the ID pipeline reads no files.
"""
import argparse
import copy
import os.path as osp
from typing import Optional, Sequence, Tuple

from mmengine.config import Config, DictAction

DEFAULT_EPS = dict(fgsm=8 / 255, pgd=4 / 255)


# ------------------------------------------------------------------ shared
def add_model_args(parser: argparse.ArgumentParser) -> None:
    """The positional ``config`` and ``checkpoint``."""
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')


def add_output_args(parser: argparse.ArgumentParser, tool: str) -> None:
    """``--work-dir``, ``--out`` and ``--cfg-options``."""
    parser.add_argument('--work-dir', help='directory for the log (default: '
                        f'work_dirs/<config name>/{tool})')
    parser.add_argument('--out', help='write the metrics to this json file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. test_dataloader.batch_size=64')


def load_test_config(args: argparse.Namespace, tool: str) -> Config:
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


def dump_metrics(metrics: dict, out: Optional[str]) -> dict:
    """``metrics``, also written to ``out`` (json) when given."""
    if out:
        import mmengine
        mmengine.dump(metrics, out)
    return metrics


# ------------------------------------------------------------- calibration
def calibration_args(
        argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Expected calibration error (ECE) and over-confidence '
        'error (OE) of a classifier on the test set of its config.')
    add_model_args(parser)
    parser.add_argument('--num-bins', type=int, default=15,
                        help='equal-width confidence bins M (default 15; '
                        'Shen et al., arXiv:2406.01417, use 10)')
    add_output_args(parser, 'eval_calibration')
    args = parser.parse_args(argv)
    if args.num_bins < 1:
        parser.error(f'--num-bins must be >= 1, got {args.num_bins}')
    return args


def eval_calibration(argv: Optional[Sequence[str]] = None) -> dict:
    """Top-1, ECE and OE of a checkpoint on its config's test set."""
    args = calibration_args(argv)
    cfg = load_test_config(args, 'eval_calibration')
    cfg.load_from = args.checkpoint
    cfg.test_evaluator = [
        dict(type='Accuracy', topk=(1, )),
        dict(type='CalibrationError', num_bins=args.num_bins)
    ]
    cfg.test_cfg = cfg.get('test_cfg') or dict()

    from mmengine.runner import Runner
    return dump_metrics(Runner.from_cfg(cfg).test(), args.out)


# -------------------------------------------------------------- robustness
def robustness_args(
        argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
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


def eval_robustness(argv: Optional[Sequence[str]] = None) -> dict:
    """Clean / FGSM / PGD top-1 error of a checkpoint on its test set."""
    args = robustness_args(argv)
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


# --------------------------------------------------------------------- OOD
def ood_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='OOD detection metrics of a classifier: its config\'s '
        'test set is in-distribution, an image folder is OOD.')
    add_model_args(parser)
    parser.add_argument('--ood-data-root', required=True,
                        help='folder of OOD images (searched recursively)')
    parser.add_argument('--ood-resize', type=int, nargs=2,
                        metavar=('W', 'H'), help='resize OOD images to W×H')
    parser.add_argument('--ood-channel-order', default='auto',
                        choices=['auto', 'bgr', 'rgb'],
                        help='channel order the model expects from OOD '
                        'images (default auto, see '
                        'mixtoolbox.analysis.evaluate)')
    add_output_args(parser, 'eval_ood')
    return parser.parse_args(argv)


def ood_dataloader_cfg(cfg: Config, data_root: str,
                       resize: Optional[Sequence[int]] = None,
                       grayscale: bool = False) -> Tuple[dict, bool]:
    """The test dataloader config with its dataset swapped for an unlabelled
    image folder read through the ID test pipeline; also returns whether
    that pipeline reads files itself."""
    loader = copy.deepcopy(cfg.test_dataloader)
    pipeline = list(loader.dataset.get('pipeline', []))
    reads_files = bool(pipeline) and pipeline[0].get('type') in (
        'LoadImageFromFile', 'mmcv.LoadImageFromFile')
    if not reads_files:
        pipeline.insert(0, dict(
            type='LoadImageFromFile',
            color_type='grayscale' if grayscale else 'color'))
    if resize is not None:
        pipeline.insert(1, dict(type='Resize', scale=tuple(resize)))
    loader.dataset = dict(type='CustomDataset', data_root=data_root,
                          with_label=False, pipeline=pipeline)
    return loader, reads_files


def eval_ood(argv: Optional[Sequence[str]] = None) -> dict:
    """Detection accuracy, AUROC, AUPR (ID) and AUPR (OOD), in percent."""
    args = ood_args(argv)
    if not osp.isdir(args.ood_data_root):
        raise FileNotFoundError(
            f'--ood-data-root is not a folder: {args.ood_data_root}')
    cfg = load_test_config(args, 'eval_ood')
    import torch
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    runner.load_checkpoint(args.checkpoint, map_location='cpu')
    model = runner.model
    model.eval()

    grayscale = len(getattr(model.data_preprocessor, 'mean', [0, 0, 0])) == 1
    ood_cfg, reads_files = ood_dataloader_cfg(cfg, args.ood_data_root,
                                              args.ood_resize, grayscale)
    order = args.ood_channel_order
    if order == 'auto':
        order = 'bgr' if reads_files else 'rgb'
    flip = order == 'rgb' and not grayscale

    evaluator = runner.build_evaluator(dict(type='OODDetection'))
    total = 0
    for loader_cfg, is_ood in ((cfg.test_dataloader, False), (ood_cfg, True)):
        for data in Runner.build_dataloader(loader_cfg):
            if is_ood and flip:
                data['inputs'] = [img.flip(0) for img in data['inputs']]
            with torch.no_grad():
                outputs = model.test_step(data)
            evaluator.process(data_samples=outputs, data_batch=data)
            total += len(outputs)
    metrics = evaluator.evaluate(total)
    runner.logger.info(f'OOD detection ({args.ood_data_root}): {metrics}')
    return dump_metrics(metrics, args.out)
