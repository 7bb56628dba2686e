"""Save grids of mixed samples during training, to look at what a learnable
mixer learns."""
import os.path as osp
from typing import TYPE_CHECKING, Optional

import torch
import torch.nn as nn
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.hooks.hook import DATA_BATCH
from mmengine.utils import mkdir_or_exist
from torchvision.utils import make_grid, save_image

from mixtoolbox.models.utils import check_int
from mixtoolbox.registry import HOOKS
from mixtoolbox.structures import MixedBatch

from .anneal import unwrap

if TYPE_CHECKING:
    from mmengine.runner import Runner


def denormalize(images: torch.Tensor, preprocessor: Optional[nn.Module]
                ) -> torch.Tensor:
    """Undo the data preprocessor's ``(x − mean) / std`` (if any) and map
    to [0, 1] (pixel values are 0..255 before normalisation)."""
    images = images.detach().float()
    if getattr(preprocessor, '_enable_normalize', False):
        images = images * preprocessor.std.to(images) + \
            preprocessor.mean.to(images)
    return (images / 255.0).clamp(0, 1)


@HOOKS.register_module()
class MixedGalleryHook(Hook):
    """Every ``interval`` iterations write ``<work_dir>/<out_dir>/
    iter_<k>.png``: rows x_i, x_j, mask s_i (white = x_i), mixed sample, one
    column per sample.

    The model must expose ``keep_last_mix`` and ``last_mix`` (a
    :class:`~mixtoolbox.structures.MixedBatch` with the clean batch in
    ``extras['source']``), as :class:`AutoMixClassifier` does; the hook asks
    for the batch only in the iterations it saves, so nothing is kept
    otherwise.

    Args:
        interval (int): save every this many iterations. Defaults to 500.
        num_samples (int): columns of the grid. Defaults to 8.
        out_dir (str): folder under the work dir. Defaults to
            ``'mixed_samples'``.
    """
    priority = 'LOW'

    def __init__(self, interval: int = 500, num_samples: int = 8,
                 out_dir: str = 'mixed_samples'):
        check_int('MixedGalleryHook', 'interval', interval)
        check_int('MixedGalleryHook', 'num_samples', num_samples)
        self.interval, self.num_samples = interval, num_samples
        self.out_dir = out_dir

    def before_train(self, runner: 'Runner') -> None:
        model = unwrap(runner.model)
        if not (hasattr(model, 'keep_last_mix')
                and hasattr(model, 'last_mix')):
            raise TypeError('MixedGalleryHook: the model '
                            f'({type(model).__name__}) does not expose '
                            '`keep_last_mix` / `last_mix` (e.g. '
                            'AutoMixClassifier)')

    def before_train_iter(self, runner: 'Runner', batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        unwrap(runner.model).keep_last_mix = self.every_n_train_iters(
            runner, self.interval)

    def after_train_iter(self, runner: 'Runner', batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        model = unwrap(runner.model)
        batch, model.last_mix = model.last_mix, None
        model.keep_last_mix = False
        if batch is None or not is_main_process():
            return
        path = osp.join(runner.work_dir, self.out_dir,
                        f'iter_{runner.iter + 1}.png')
        mkdir_or_exist(osp.dirname(path))
        save_image(self.grid(batch, model.data_preprocessor), path)

    def grid(self, batch: MixedBatch, preprocessor: Optional[nn.Module]
             ) -> torch.Tensor:
        """``[3, H', W']`` image grid of one mixed batch."""
        return mixed_grid(batch.extras['source'], batch, preprocessor,
                          self.num_samples)


def mixed_grid(source: torch.Tensor, batch: MixedBatch,
               preprocessor: Optional[nn.Module] = None, num_samples: int = 8
               ) -> torch.Tensor:
    """``[3, H', W']`` grid (1-pixel padding) of one mixed batch, one column
    per sample: x_i, x_j, the mask s_i (white = x_i) and the mixed image.

    Shared by :class:`MixedGalleryHook` and
    ``tools/visualization/mixed_gallery.py`` so that every mixup is drawn the
    same way.

    Args:
        source (Tensor): the clean batch ``[N, C, H, W]`` as the model sees
            it (normalised by ``preprocessor``).
        batch (MixedBatch): its mixed version. Without a ``mask`` the row
            shows the constant share λ (``batch.lam``) as a grey level, or
            black when the mixup is not pairwise; without an ``index`` the
            x_j row is black.
        preprocessor: the data preprocessor whose mean/std to undo; None for
            inputs already in 0..255.
        num_samples (int): columns (at most the batch size). Defaults to 8.
    """
    k = min(num_samples, batch.inputs.size(0), source.size(0))
    x_i = denormalize(source[:k], preprocessor)
    x_j = denormalize(source[batch.index[:k]], preprocessor) \
        if batch.index is not None else torch.zeros_like(x_i)
    mixed = denormalize(batch.inputs[:k], preprocessor)
    if batch.mask is not None:
        mask = batch.mask[:k].detach().float()
    elif batch.lam is not None:
        mask = batch.lam[:k].detach().float().view(-1, 1, 1, 1)
    else:
        mask = x_i.new_zeros(k, 1, 1, 1)
    mask = mask.to(x_i.device).expand(k, x_i.size(1), *x_i.shape[-2:])
    rows = [x_i, x_j, mask, mixed]
    if x_i.size(1) not in (1, 3):  # make_grid wants grey or RGB
        rows = [r[:, :1] for r in rows]
    return make_grid(torch.cat(rows).cpu(), nrow=k, padding=1)
