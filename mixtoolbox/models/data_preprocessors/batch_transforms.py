"""Random crop with padding and random flip, per sample but on a whole batch.

The usual CIFAR / Fashion-MNIST training augmentation — zero-pad by ``p``
pixels, crop the original size at a uniformly random position, flip
horizontally with probability 1/2 (He et al., "Deep Residual Learning for
Image Recognition", CVPR 2016, §4.2, https://arxiv.org/abs/1512.03385) — is
normally a per-sample data-pipeline transform (mmpretrain's ``RandomCrop`` and
``RandomFlip``) run in dataloader workers. Here each sample still gets its
own crop offset and its own flip decision, but all of them are applied to the
stacked ``[N, C, H, W]`` batch with a few tensor operations, on whatever
device the batch is on. That removes the per-sample Python work from data
loading (on a 2-core CPU it competed with training for the cores) and lets
GPU users augment on the GPU.

Like the mixups, every transform splits into :meth:`sample_params` (the only
place that draws random numbers) and :meth:`apply` (a pure function of the
batch and those params), so tests can pass explicit params. Random numbers
come from ``generator`` (a ``torch.Generator`` on the CPU) when one is given,
else from torch's global CPU generator, which the mmengine Runner seeds
(``randomness.seed``) and mixtoolbox's ``RNGStateHook`` saves with each
checkpoint; they are drawn on the CPU and then moved, so a seed gives the same
augmentation on every device.
"""
import abc
from typing import Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from mixtoolbox.models.utils import (
    check_choice,
    check_int,
    check_real,
    in_range,
)
from mixtoolbox.registry import MODELS


def _check_batch(inputs, owner: str) -> None:
    if not isinstance(inputs, Tensor) or inputs.dim() != 4:
        raise ValueError(f'{owner}: `inputs` must be a 4-D tensor [N, C, H, '
                         f'W], got {_describe(inputs)}')


def _describe(value) -> str:
    if isinstance(value, Tensor):
        return f'a tensor of shape {tuple(value.shape)}'
    return f'{type(value).__name__}'


class BatchTransform(abc.ABC):
    """Base class: ``__call__(inputs, generator=None)`` draws params for the
    batch (:meth:`sample_params`, all the randomness) and applies them
    (:meth:`apply`, a pure function of the batch and the params)."""

    @abc.abstractmethod
    def sample_params(self, inputs: Tensor,
                      generator: Optional[torch.Generator] = None) -> dict:
        """Draw this transform's randomness for a batch like ``inputs``."""

    @abc.abstractmethod
    def apply(self, inputs: Tensor, **params) -> Tensor:
        """Transform ``inputs`` with the drawn ``params``."""

    def __call__(self, inputs: Tensor,
                 generator: Optional[torch.Generator] = None) -> Tensor:
        _check_batch(inputs, type(self).__name__)
        return self.apply(inputs, **self.sample_params(inputs, generator))


@MODELS.register_module()
class BatchRandomCrop(BatchTransform):
    """Zero-pad (``pad_val``) each image by ``padding`` pixels on every side,
    then crop ``crop_size`` at a position drawn uniformly and independently
    for every sample.

    Offsets are uniform over ``0 … H + 2·padding − crop_h`` (and likewise for
    the width), the distribution of mmpretrain's per-sample ``RandomCrop``
    with ``padding`` and constant padding, so replacing that transform by
    this one keeps the augmentation the same in distribution.

    Args:
        crop_size (int | tuple[int, int]): output height and width (one int:
            square). It must fit in the padded image.
        padding (int): pixels added on each side before cropping (>= 0).
            Defaults to 0.
        pad_val (float): value of the added pixels, in the units of the
            batch it is applied to (raw pixels inside
            :class:`BatchTransformClsDataPreprocessor`, i.e. before
            normalisation, as in the per-sample transform). Defaults to 0.
    """

    def __init__(self, crop_size: Union[int, Sequence[int]],
                 padding: int = 0, pad_val: float = 0):
        owner = type(self).__name__
        if isinstance(crop_size, (list, tuple)):
            if len(crop_size) != 2:
                raise ValueError(f'{owner}: `crop_size` must be an int or '
                                 f'(height, width), got {crop_size!r}')
            size = tuple(crop_size)
        else:
            size = (crop_size, crop_size)
        self.crop_size: Tuple[int, int] = tuple(
            int(check_int(owner, 'crop_size', s)) for s in size)
        self.padding = int(check_int(owner, 'padding', padding, 0))
        check_real(owner, 'pad_val', pad_val)
        self.pad_val = pad_val

    def _ranges(self, inputs: Tensor) -> Tuple[int, int]:
        """Largest top and left offsets (inclusive) for this batch."""
        h, w = inputs.shape[-2:]
        top = h + 2 * self.padding - self.crop_size[0]
        left = w + 2 * self.padding - self.crop_size[1]
        if top < 0 or left < 0:
            raise ValueError(
                f'{type(self).__name__}: `crop_size` {self.crop_size} does '
                f'not fit in the {h}x{w} images padded by {self.padding} '
                f'({h + 2 * self.padding}x{w + 2 * self.padding})')
        return top, left

    def sample_params(self, inputs: Tensor,
                      generator: Optional[torch.Generator] = None) -> dict:
        """``top`` and ``left``: int64 ``[N]`` offsets into the padded
        images, on the inputs' device."""
        _check_batch(inputs, type(self).__name__)
        top, left = self._ranges(inputs)
        n = inputs.size(0)
        device = generator.device if generator is not None else 'cpu'
        offsets = [torch.randint(0, r + 1, (n, ), generator=generator,
                                 device=device)
                   for r in (top, left)]
        return dict(top=offsets[0].to(inputs.device),
                    left=offsets[1].to(inputs.device))

    def apply(self, inputs: Tensor, top: Tensor, left: Tensor) -> Tensor:
        """Sample ``i`` of the output is
        ``pad(inputs)[i, :, top[i]:top[i]+crop_h, left[i]:left[i]+crop_w]``."""
        owner = type(self).__name__
        _check_batch(inputs, owner)
        max_top, max_left = self._ranges(inputs)
        n, c = inputs.shape[:2]
        for name, off, high in (('top', top, max_top),
                                ('left', left, max_left)):
            if off.shape != (n, ):
                raise ValueError(f'{owner}: `{name}` must have shape ({n},), '
                                 f'got {tuple(off.shape)}')
            # (checked where it costs no device synchronisation; on CUDA an
            # out-of-range offset fails inside `gather`)
            if off.device.type == 'cpu' and len(off) and (
                    int(off.min()) < 0 or int(off.max()) > high):
                raise ValueError(f'{owner}: `{name}` offsets must lie in '
                                 f'[0, {high}]')
        p = self.padding
        padded = torch.nn.functional.pad(
            inputs, (p, p, p, p), value=self.pad_val) if p else inputs
        crop_h, crop_w = self.crop_size
        arange = torch.arange
        rows = top.to(inputs.device).view(n, 1) + arange(
            crop_h, device=inputs.device)
        cols = left.to(inputs.device).view(n, 1) + arange(
            crop_w, device=inputs.device)
        width = padded.size(-1)
        out = padded.gather(
            2, rows.view(n, 1, crop_h, 1).expand(n, c, crop_h, width))
        return out.gather(
            3, cols.view(n, 1, 1, crop_w).expand(n, c, crop_h, crop_w))


@MODELS.register_module()
class BatchRandomFlip(BatchTransform):
    """Flip each image with probability ``prob``, independently per sample.

    Args:
        prob (float): flip probability in [0, 1]. Defaults to 0.5 (He et
            al. 2016, §4.2).
        direction (str): ``'horizontal'`` (mirror left-right, the default)
            or ``'vertical'``.
    """
    DIRECTIONS = ('horizontal', 'vertical')

    def __init__(self, prob: float = 0.5, direction: str = 'horizontal'):
        owner = type(self).__name__
        self.prob = in_range(owner, 'prob', prob, 0, 1)
        self.direction = check_choice(owner, 'direction', direction,
                                      self.DIRECTIONS)

    def sample_params(self, inputs: Tensor,
                      generator: Optional[torch.Generator] = None) -> dict:
        """``flip``: bool ``[N]``, True where a sample is flipped."""
        _check_batch(inputs, type(self).__name__)
        draw = torch.rand(inputs.size(0), generator=generator,
                          device=generator.device if generator is not None
                          else 'cpu')
        return dict(flip=(draw < self.prob).to(inputs.device))

    def apply(self, inputs: Tensor, flip: Tensor) -> Tensor:
        owner = type(self).__name__
        _check_batch(inputs, owner)
        if flip.shape != (inputs.size(0), ) or flip.dtype != torch.bool:
            raise ValueError(f'{owner}: `flip` must be a bool tensor of shape '
                             f'({inputs.size(0)},), got {flip.dtype} '
                             f'{tuple(flip.shape)}')
        dim = -1 if self.direction == 'horizontal' else -2
        mask = flip.to(inputs.device).view(-1, 1, 1, 1)
        return torch.where(mask, inputs.flip(dim), inputs)
