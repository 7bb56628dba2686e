r"""Export the ResNet backbone of a mixtoolbox / mmpretrain checkpoint for
mmdet (the detection transfer of MultiMix, NeurIPS 2023, §4.3, and SAMix,
arXiv:2111.15454, Table 6).

Examples:
    # MixupClassifier (or any ImageClassifier): keys backbone.*
    python tools/model_converters/extract_backbone.py epoch_300.pth r50.pth
    # AutoMix / SAMix momentum network (momentum_net.module.backbone.*)
    python tools/model_converters/extract_backbone.py CKPT OUT \
        --encoder momentum
    # MoCo-style key (momentum) encoder: encoder_k.module.0.*
    python tools/model_converters/extract_backbone.py CKPT OUT --encoder key
    # anything else: give the key prefix
    python tools/model_converters/extract_backbone.py CKPT OUT \
        --prefix ema.backbone.

The result loads into mmdet's ``ResNet`` (and the res5 ``ResLayer`` head of
C4 detectors) with no missing or unexpected key; the check is printed.
CIFAR networks (3x3 stem) and non-ResNets are refused with the reason.

BatchNorm statistics of a momentum / key export: its weights are the EMA of
the online weights; its running mean / variance are what the checkpoint
holds for that network, which depends on the model's EMA mode (mmengine
``ExponentialMovingAverage(update_buffers=...)``):
  AutoMixClassifier (AutoMix / SAMix) and MixMoCo / SAMixMoCo use
  mixtoolbox's MomentumEncoder (parameters only): the momentum network's own
  running statistics, accumulated by its train-mode forward passes, as in
  the authors' OpenMixup and MoCo code.
  mmpretrain's own MoCo, DenseCL, MoCo v3, BYOL keep mmengine's default
  update_buffers=False: a copy of the online encoder's statistics at the
  last update, moved once by the key encoder's last forward pass.
Detection fine-tuning re-estimates BN statistics anyway (norm_eval=False in
the self-supervised recipes); they matter for a frozen-BN recipe.
"""
import argparse
import sys
from typing import Optional, Sequence

from mixtoolbox.transfer import ENCODER_PREFIXES, export_backbone


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export a ResNet backbone for mmdet.',
        epilog=__doc__.split('\n\n', 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='mixtoolbox / mmpretrain '
                        'checkpoint (mmengine format or a plain state dict)')
    parser.add_argument('output', help='where to write the backbone')
    parser.add_argument(
        '--encoder', default='online', choices=sorted(ENCODER_PREFIXES),
        help='online: backbone.* (classifier / query encoder); momentum: '
        f'{ENCODER_PREFIXES["momentum"][0]}* (AutoMix / SAMix); key: '
        f'{", ".join(p + "*" for p in ENCODER_PREFIXES["key"])} (mmpretrain '
        'MoCo v2 / MoCo v3 / BYOL momentum encoder). Default: online')
    parser.add_argument('--prefix', help='explicit key prefix of the '
                        'backbone (overrides --encoder), e.g. '
                        'momentum_net.module.backbone.')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    import os.path as osp

    from mixtoolbox.utils.checkpoint import readable_checkpoint_or_exit
    if osp.isfile(args.checkpoint):  # a missing one: export_backbone says so
        readable_checkpoint_or_exit(args.checkpoint)
    try:
        report = export_backbone(args.checkpoint, args.output,
                                 encoder=args.encoder, prefix=args.prefix)
    except (OSError, ValueError) as err:
        sys.exit(f'extract_backbone: {err}')
    print(f'{report["arch"]}: {report["num_tensors"]} tensors from '
          f'{report["prefix"]}* of {args.checkpoint} -> {args.output}')
    for kind in ('missing', 'unexpected', 'mismatched'):
        keys = report[kind]
        print(f'  {kind} keys vs mmdet ResNet-{report["depth"]}: '
              f'{len(keys)} {keys if keys else ""}')
    return report

