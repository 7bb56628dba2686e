"""Draw what a config's mixup does: a PNG grid with one column per sample and
the rows x_i, x_j, mask s_i (white = x_i; a grey level for mixups whose share
is the same at every pixel) and the mixed image, λ written under each column.
The grid is the one ``MixedGalleryHook`` saves during training.

Works for every input-space mixup of the toolbox: the ones of the config
(``model.mix_policy``, mmpretrain's ``train_cfg.augments``, or the learned
Mixer of an ``AutoMixClassifier``) or any ``--mixup NAME`` from the
``BATCH_AUGMENTS`` registry. Saliency mixups (PuzzleMix, Co-Mixup, R-Mix) and
the learned Mixer use the model built from the config, with the weights of
``--checkpoint`` (a local file) when given; without one they see an untrained
network. ``--sweep`` draws one pair for λ = 0, 0.1, ..., 1.

Examples:
    # the config's own mixup(s), 8 training images, one PNG per mixup
    python tools/visualization/mixed_gallery.py \\
        configs/quickstart/\\
cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py out/
    # the learned SAMix Mixer of a trained model, λ sweep for one pair
    python tools/visualization/mixed_gallery.py \\
        configs/samix/samix_preactresnet18_1xb100-800e_cifar100.py out/ \\
        --checkpoint work_dirs/samix/epoch_800.pth --sweep
    # any registered mixup on your own pictures
    python tools/visualization/mixed_gallery.py CONFIG out/ --mixup FMix \\
        --mixup-args alpha=1.0 decay_power=3 --images a.jpg b.jpg c.jpg
"""
import argparse
import os
import os.path as osp
import sys
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config, DictAction
from PIL import Image, ImageDraw

from mixtoolbox.engine.hooks.mixed_gallery import mixed_grid
from mixtoolbox.models.utils.policy import build_mixup
from mixtoolbox.registry import DATASETS, MODELS
from mixtoolbox.structures import MixedBatch
from mixtoolbox.utils import register_all_modules

#: height of the caption strip with the λ values
CAPTION = 12


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Save a PNG grid of x_i, x_j, mask and mixed image (with '
        'λ) for the mixup(s) of a config, or a λ sweep for one pair.')
    parser.add_argument('config', help='mixtoolbox config file')
    parser.add_argument('out_dir', help='folder for the PNG files '
                        '(<mixup>.png, <mixup>_sweep.png)')
    parser.add_argument('--checkpoint', help='local checkpoint to load into '
                        'the model (learned Mixer, saliency mixups); never '
                        'downloaded')
    parser.add_argument('--images', nargs='+', metavar='FILE',
                        help='image files to mix instead of the config\'s '
                        'train dataset (resized to the first one\'s size, or '
                        'to --size)')
    parser.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'),
                        help='resize --images to H x W')
    parser.add_argument('--num', type=int, default=8,
                        help='number of images (columns). Default: 8')
    parser.add_argument('--start', type=int, default=0,
                        help='index of the first dataset sample. Default: 0')
    parser.add_argument('--mixup', metavar='NAME',
                        help='draw this BATCH_AUGMENTS mixup (e.g. CutMix, '
                        'FMix, PuzzleMix) instead of the config\'s')
    parser.add_argument('--mixup-args', nargs='+', action=DictAction,
                        default={}, metavar='KEY=VALUE',
                        help='arguments of --mixup, e.g. alpha=0.2')
    parser.add_argument('--sweep', action='store_true',
                        help='draw images 0 and 1 for λ = 0, 0.1, ..., 1 '
                        'instead of a gallery')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of λ, boxes and masks. Default: 0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. '
                        'model.mix_policy.0.alpha=0.2')
    args = parser.parse_args(argv)
    if args.num < 2:
        parser.error(f'--num must be at least 2 (pairs), got {args.num}')
    if args.mixup_args and not args.mixup:
        parser.error('--mixup-args needs --mixup')
    return args


class NeedsModel(RuntimeError):
    """A mixup needs the model and none could be built."""


def build_model(
    cfg: Config,
    checkpoint: Optional[str] = None
) -> Tuple[Optional[torch.nn.Module], Optional[str]]:
    """The config's model (what the Runner builds) or the reason it could
    not be built."""
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    try:
        model = MODELS.build(model_cfg)
        model.init_weights()
    except Exception as err:  # reported if a mixup needs the model
        if checkpoint:
            raise
        return None, f'{type(err).__name__}: {err}'
    if checkpoint:
        from mmengine.runner import load_checkpoint
        load_checkpoint(model, checkpoint, map_location='cpu')
    return model.eval(), None


def build_preprocessor(cfg: Config,
                       model: Optional[torch.nn.Module]) -> torch.nn.Module:
    if model is not None:
        return model.data_preprocessor
    preprocessor = dict(type='ClsDataPreprocessor')
    preprocessor.update(cfg.get('data_preprocessor') or
                        cfg.model.get('data_preprocessor') or {})
    return MODELS.build(preprocessor)


def load_images(cfg: Config, args: argparse.Namespace,
                preprocessor: torch.nn.Module
                ) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(inputs, scores)``: the normalised batch and one-hot targets."""
    num_classes = int(getattr(preprocessor, 'num_classes', None) or
                      (cfg.get('data_preprocessor') or {}).get(
                          'num_classes', 2))
    if args.images:
        import mmcv
        grey = len((cfg.get('data_preprocessor') or {}).get('mean', [0] *
                                                             3)) == 1
        images = [mmcv.imread(f, flag='grayscale' if grey else 'color')
                  for f in args.images]
        if any(img is None for img in images):
            raise FileNotFoundError(f'--images: cannot read {args.images}')
        h, w = args.size or images[0].shape[:2]
        images = [mmcv.imresize(img, (w, h)) for img in images]
        inputs = [torch.from_numpy(np.ascontiguousarray(
            img.reshape(h, w, -1).transpose(2, 0, 1))) for img in images]
        labels = list(range(len(inputs)))
    else:
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        stop = min(len(dataset), args.start + args.num)
        samples = [dataset[i] for i in range(args.start, stop)]
        inputs = [s['inputs'] for s in samples]
        labels = [int(s['data_samples'].gt_label[0]) for s in samples]
    if len(inputs) < 2:
        raise ValueError(f'need at least 2 images to mix, got {len(inputs)}')
    data = preprocessor(dict(inputs=inputs[:args.num]), training=False)
    x = data['inputs'].float()
    scores = torch.nn.functional.one_hot(
        torch.tensor(labels[:args.num], device=x.device) % num_classes,
        num_classes).float()
    return x, scores


def config_mixups(cfg: Config,
                  model: Optional[torch.nn.Module]) -> List[Tuple[str, Any]]:
    """``[(name, mixup)]`` of the config; the learned Mixer is ``'Mixer'``."""
    if model is not None and hasattr(model, 'mixer') \
            and hasattr(model, 'momentum_features'):
        return [(f'{type(model.mixer).__name__}', 'mixer')]
    if model is not None and hasattr(model, 'policy'):
        mixups = list(model.policy.mixups)
    else:
        mixups = [build_mixup({k: v for k, v in m.items() if k != 'prob'})
                  for m in cfg.model.get('mix_policy') or []]
    augments = (cfg.model.get('train_cfg') or {}).get('augments') or []
    if isinstance(augments, dict):
        augments = [augments]
    mixups += [build_mixup(dict(a)) for a in augments]
    return [(type(m).__name__, m) for m in mixups]


def mix_with_mixer(model: torch.nn.Module, x: torch.Tensor,
                   scores: torch.Tensor, lam: float,
                   index: torch.Tensor) -> MixedBatch:
    """The Mixer's mask (from the momentum network's layer-l maps) and the
    mixed batch x_m = s ⊙ x_i + (1 − s) ⊙ x_j."""
    with torch.no_grad():
        mask = model.mixer(model.momentum_features(x), lam, index,
                           x.shape[-2:])
    other = x[index]
    return MixedBatch(other + mask * (x - other),
                      scores[index].lerp(scores, lam), index=index,
                      mask=mask, lam=torch.full((x.size(0), ), lam,
                                                device=x.device))


def mix_once(mixup: Any, x: torch.Tensor, scores: torch.Tensor,
             model: Optional[torch.nn.Module], model_error: Optional[str],
             lam: Optional[float] = None) -> MixedBatch:
    """One mixed batch with partner i + 1 of image i; ``lam`` fixes λ (the
    mixup must draw it from Beta(α, α))."""
    index = torch.roll(torch.arange(x.size(0), device=x.device), -1)
    if mixup == 'mixer':
        if lam is None:
            lam = float(np.random.beta(model.alpha, model.alpha))
        return mix_with_mixer(model, x, scores, lam, index)
    if mixup.space != 'input':
        raise ValueError(f'{mixup.name} mixes embeddings inside the network, '
                         'not pixels: there is no image to draw')
    mixup.sample_index = lambda inputs: index.to(inputs.device)
    drawn = []
    if lam is not None:
        def fixed_lam(alpha: float) -> float:
            drawn.append(alpha)
            return lam
        mixup.sample_beta = fixed_lam
    if mixup.model_free:
        batch = mixup.mix(x.clone(), scores, **mixup.sample_params(x))
    else:
        if model is None or not hasattr(model, 'saliency'):
            raise NeedsModel(
                f'{mixup.name} needs the model (saliency) and the config\'s '
                'model could not be built as a MixupClassifier'
                + (f' ({model_error})' if model_error else ''))
        view = model.network_view(model) if hasattr(
            model, 'network_view') else model
        _, batch = mixup.forward_train(view, x.clone(), scores)
    if lam is not None and not drawn:
        raise ValueError(f'--sweep: {mixup.name} does not draw λ from '
                         'Beta(α, α), so λ cannot be set; draw a gallery '
                         'instead')
    return batch


def sweep_batch(mixup: Any, x: torch.Tensor, scores: torch.Tensor,
                model: Optional[torch.nn.Module], model_error: Optional[str],
                lams: Sequence[float]) -> Tuple[torch.Tensor, MixedBatch]:
    """One column per λ for the pair (x_0, x_1), as a batch ``mixed_grid``
    draws: sources a, …, a, b with every partner pointing at b."""
    pair, pair_scores = x[:2], scores[:2]
    rows = [mix_once(mixup, pair, pair_scores, model, model_error, lam)
            for lam in lams]
    n = len(lams)
    masks = [r.mask[0] if r.mask is not None
             else torch.full((1, 1, 1), float(lam), device=x.device)
             for r, lam in zip(rows, lams)]
    size = max(m.shape[-2:] for m in masks)
    masks = torch.stack([m.expand(1, *size) for m in masks])
    source = torch.cat([pair[:1].expand(n, -1, -1, -1), pair[1:]])
    return source, MixedBatch(
        torch.stack([r.inputs[0] for r in rows]),
        torch.stack([r.target[0] for r in rows]),
        lam=torch.tensor([float(r.lam[0]) if r.lam is not None else lam
                          for r, lam in zip(rows, lams)], device=x.device),
        index=torch.full((n, ), n, device=x.device), mask=masks)


def save_png(grid: torch.Tensor, lams: Sequence[Optional[float]],
             columns: int, path: str) -> None:
    """The grid with a caption strip: λ under each column."""
    array = (grid.permute(1, 2, 0).cpu().numpy() * 255).round().astype(
        np.uint8)
    image = Image.fromarray(array)
    out = Image.new('RGB', (image.width, image.height + CAPTION), 'white')
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    cell = (image.width - 1) // columns
    for c, lam in enumerate(lams[:columns]):
        if lam is not None:
            draw.text((1 + c * cell, image.height), f'{lam:.2f}',
                      fill='black')
    out.save(path)


def main(argv: Optional[Sequence[str]] = None) -> List[str]:
    args = parse_args(argv)
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    model, model_error = build_model(cfg, args.checkpoint)
    preprocessor = build_preprocessor(cfg, model)
    x, scores = load_images(cfg, args, preprocessor)
    if args.mixup:
        mixups = [(args.mixup.split('.')[-1],
                   build_mixup(dict(type=args.mixup, **args.mixup_args)))]
    else:
        mixups = config_mixups(cfg, model)
    if not mixups:
        raise ValueError(f'{args.config} uses no mixup; name one with '
                         '--mixup (e.g. --mixup CutMix)')
    if any(m == 'mixer' for _, m in mixups) and args.checkpoint is None:
        print('note: no --checkpoint, the Mixer is untrained',
              file=sys.stderr)
    os.makedirs(args.out_dir, exist_ok=True)
    lams = [round(0.1 * i, 1) for i in range(11)]
    paths = []
    for name, mixup in mixups:
        if args.sweep:
            source, batch = sweep_batch(mixup, x, scores, model, model_error,
                                        lams)
            path = osp.join(args.out_dir, f'{name}_sweep.png')
        else:
            source, batch = x, mix_once(mixup, x, scores, model, model_error)
            path = osp.join(args.out_dir, f'{name}.png')
        columns = min(batch.inputs.size(0), len(source))
        grid = mixed_grid(source, batch, preprocessor, num_samples=columns)
        shown = [None] * columns if batch.lam is None else [
            float(v) for v in batch.lam[:columns]]
        save_png(grid, shown, columns, path)
        paths.append(path)
        print(path)
    return paths



def cli(argv: Optional[Sequence[str]] = None) -> None:
    """The command line: :func:`main`, a missing model or a bad value
    reported as ``error: <message>`` (exit status 1)."""
    try:
        main(argv)
    except (NeedsModel, ValueError) as err:
        sys.exit(f'error: {err}')
