"""What a trained learnable Mixer (SAMix / AutoMix) does with λ: mean and
spatial spread of its masks.

For a config of ``AutoMixClassifier`` and its checkpoint, the Mixer is run
as in training (train mode: its BatchNorm and the momentum network's use
batch statistics; no gradient, nothing saved) on the first ``--num``
training images with a fixed partner permutation, for each λ in
``--lams``. Per λ it prints the mean mask μ (over the batch, and the range
of the per-sample means), the mean per-sample spatial standard deviation of
the mask, and the share of mask values below 0.1 or above 0.9. The raw
Mixer output is measured, before λ adjusting (SAMix §3.3), which the online
batch applies afterwards.

For scale: a binary box mask with mean λ (CutMix) has a spatial standard
deviation of √(λ(1 − λ)) (0.46 at λ = 0.3, 0.5 at λ = 0.5) and every value
at 0 or 1; a Mixup blend has 0 and none. A Mixer whose masks stay near 0
spread mixes globally, like Mixup, whatever the content.

    python tools/analysis/mixer_mask_stats.py CONFIG CHECKPOINT --num 50
"""
import argparse
import json
import logging
import random
from typing import List, Optional, Sequence

import numpy as np
import torch


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Mean and spatial spread of a trained SAMix / AutoMix '
        "Mixer's masks per λ (details in mixtoolbox.analysis.mixer_masks).")
    parser.add_argument('config', help='config of an AutoMixClassifier')
    parser.add_argument('checkpoint', help='local checkpoint of that model')
    parser.add_argument('--num', type=int, default=50,
                        help='training images in the batch (default 50)')
    parser.add_argument('--lams', type=float, nargs='+',
                        default=[0.1, 0.3, 0.5, 0.7, 0.9],
                        help='λ values (default 0.1 0.3 0.5 0.7 0.9)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the partner permutation, the '
                        "training pipeline's augmentation and the Mixer's "
                        'dropout (default 0)')
    parser.add_argument('--out', help='also write the rows as JSON here')
    args = parser.parse_args(argv)
    if args.num < 2:
        parser.error(f'--num must be >= 2 (pairs), got {args.num}')
    bad = [lam for lam in args.lams if not 0 < lam < 1]
    if bad:
        parser.error(f'--lams must lie in (0, 1), got {bad}')
    return args


def mask_stats(model: torch.nn.Module, inputs: torch.Tensor,
               lams: Sequence[float], index: torch.Tensor) -> List[dict]:
    """One row per λ: ``lam``, ``mean``, ``mean_min``, ``mean_max``,
    ``spatial_std``, ``saturated`` (share of values < 0.1 or > 0.9) of the
    Mixer's masks for the pairs (i, index[i]) of ``inputs``."""
    if not (hasattr(model, 'mixer') and hasattr(model, 'momentum_features')):
        raise ValueError(f'{type(model).__name__} has no learnable Mixer '
                         '(expected an AutoMixClassifier: `mixer` and '
                         '`momentum_features`)')
    was_training = model.training
    model.train()
    rows = []
    try:
        with torch.no_grad():
            feats = model.momentum_features(inputs)
            for lam in lams:
                mask = model.mixer(feats, lam, index,
                                   inputs.shape[-2:]).float().flatten(1)
                mu = mask.mean(1)
                rows.append(dict(
                    lam=float(lam), mean=mu.mean().item(),
                    mean_min=mu.min().item(), mean_max=mu.max().item(),
                    spatial_std=mask.std(1, unbiased=False).mean().item(),
                    saturated=((mask < 0.1) | (mask > 0.9)).float().mean()
                    .item()))
    finally:
        model.train(was_training)
    return rows


def main(argv: Optional[Sequence[str]] = None) -> List[dict]:
    from mmengine.config import Config
    from mmengine.logging import MMLogger

    from mixtoolbox.apis.mixed_gallery import (
        build_model,
        build_preprocessor,
        load_images,
    )
    from mixtoolbox.utils import register_all_modules
    args = parse_args(argv)
    register_all_modules(init_default_scope=True)
    # init_weights() logs every parameter at INFO; the checkpoint replaces
    # them anyway
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    cfg = Config.fromfile(args.config)
    # the training pipeline's crops and flips, the Mixer's dropout
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    model, _ = build_model(cfg, args.checkpoint)
    inputs, _ = load_images(
        cfg, argparse.Namespace(images=None, start=0, num=args.num,
                                size=None), build_preprocessor(cfg, model))
    g = torch.Generator().manual_seed(args.seed)
    index = torch.randperm(inputs.size(0), generator=g,
                           device='cpu').to(inputs.device)
    rows = mask_stats(model, inputs, args.lams, index)
    print(f'{args.config}: {type(model.mixer).__name__}, {inputs.size(0)} '
          'training images, train mode, raw masks (before λ adjusting)')
    print('| λ | mean mask | per-sample means | spatial std | '
          'share < 0.1 or > 0.9 |')
    print('|---|---|---|---|---|')
    for r in rows:
        print(f'| {r["lam"]:.2f} | {r["mean"]:.3f} | {r["mean_min"]:.3f}–'
              f'{r["mean_max"]:.3f} | {r["spatial_std"]:.3f} | '
              f'{r["saturated"]:.3f} |')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(config=args.config, checkpoint=args.checkpoint,
                           num=inputs.size(0), seed=args.seed, rows=rows),
                      f, indent=1)
    return rows
