#!/usr/bin/env python
"""Out-of-distribution detection from the max-softmax confidence.

The config's test set is in-distribution (ID); a folder of images is OOD
(seed 000 §A.3 / Table 10 use LSUN crop, iSUN and TinyImageNet crop against
CIFAR-100). Reports detection accuracy, AUROC, AUPR (ID) and AUPR (OOD) in
percent via the ``OODDetection`` metric.

OOD images are read with the ID test pipeline (``LoadImageFromFile`` is
prepended when that pipeline reads no files, as for CIFAR), optionally
resized with ``--ood-resize``. ``LoadImageFromFile`` decodes to BGR while
mmpretrain's in-memory datasets (CIFAR, MNIST) hold RGB, so by default
(``--ood-channel-order auto``) OOD images are flipped to RGB exactly when
the ID pipeline reads no files.

Examples:
    python tools/analysis/eval_ood.py CFG CKPT --ood-data-root data/LSUN
    python tools/analysis/eval_ood.py CFG CKPT --ood-data-root data/iSUN \
        --ood-resize 32 32 --out ood.json
"""
import argparse
import copy
import os.path as osp

from eval_common import (add_model_args, add_output_args, dump_metrics,
                         load_test_config)


def parse_args(argv=None):
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
                        'images (default auto, see the module docstring)')
    add_output_args(parser, 'eval_ood')
    return parser.parse_args(argv)


def ood_dataloader_cfg(cfg, data_root, resize=None, grayscale=False):
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


def main(argv=None):
    args = parse_args(argv)
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


if __name__ == '__main__':
    main()
