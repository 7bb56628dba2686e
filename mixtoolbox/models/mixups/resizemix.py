"""ResizeMix: J. Qin, J. Fang, Q. Zhang, W. Liu, X. Wang and X. Wang,
"ResizeMix: Mixing Data with Preserved Object Information and True Labels",
arXiv preprint, 2020, https://arxiv.org/abs/2012.11101."""
import numbers
from typing import Tuple

import numpy as np
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup
from .cutmix import Box, box_lam, paste_box, pasted_batch

_MODES = ('nearest', 'bilinear', 'bicubic', 'area')
# mmpretrain's ResizeMix arguments: a CutMix box ratio λ = lam_min +
# Beta(alpha, alpha)·(lam_max − lam_min), not the paper's scale τ
_MMPRETRAIN_ARGS = ('alpha', 'lam_min', 'lam_max', 'cutmix_minmax',
                    'correct_lam')


@BATCH_AUGMENTS.register_module()
class ResizeMix(BaseMixup):
    """ResizeMix: paste the whole partner image, shrunk.

    The scale τ ~ U(α, β) (paper eq. 2); x_π(i) is resized to τ·(H, W) and
    pasted at a uniformly drawn location of x_i (eq. 3); the label weight is
    the area share, λ = 1 − τ_h τ_w ≈ 1 − τ² (eq. 4, computed from the
    integer box that was actually pasted).

    Args:
        scope (tuple[float, float]): (α, β) with 0 < α ≤ β ≤ 1. Defaults to
            (0.1, 0.8), the paper's setting.
        interpolation (str): one of 'nearest', 'bilinear', 'bicubic',
            'area'. Defaults to 'bilinear'.
        inplace (bool): paste into the given tensor (as peers do).
            Defaults to True.

    mmpretrain's ``ResizeMix(alpha, lam_min, lam_max, ...)`` parameterises
    a CutMix box (ratio λ = lam_min + Beta(α, α)·(lam_max − lam_min), box
    side √(1 − λ)), which is not the paper's τ ~ U(α, β): those arguments
    are refused with a message naming ``scope`` instead of being mapped to
    a different distribution (``type='mmpretrain.ResizeMix'`` keeps them).

    Example:
        >>> import torch
        >>> x, y = torch.zeros(2, 1, 4, 4), torch.eye(2)
        >>> out = ResizeMix().mix(x, y, box=(0, 2, 0, 2),
        ...                       index=torch.tensor([1, 0]))
        >>> out.target[0].tolist()
        [0.75, 0.25]
    """

    pairwise = True

    def __init__(self, scope=(0.1, 0.8), interpolation: str = 'bilinear',
                 inplace: bool = True, **kwargs):
        foreign = [k for k in _MMPRETRAIN_ARGS if k in kwargs]
        if foreign:
            raise ValueError(
                f'ResizeMix: {", ".join(foreign)} are arguments of '
                "mmpretrain's ResizeMix (a CutMix box of ratio lam_min + "
                'Beta(alpha, alpha)·(lam_max − lam_min)); mixtoolbox.'
                'ResizeMix follows the paper (Qin et al. 2020, eq. 2): the '
                'partner shrunk by a scale tau ~ U(low, high), given as '
                '`scope=(low, high)` (default (0.1, 0.8), the paper\'s); '
                "drop them or use type='mmpretrain.ResizeMix'")
        if kwargs:
            raise TypeError(f'ResizeMix: unexpected argument(s) '
                            f'{", ".join(sorted(kwargs))}; allowed: scope, '
                            'interpolation, inplace')
        if (not isinstance(scope, (tuple, list)) or len(scope) != 2
                or not all(isinstance(s, numbers.Real)
                           and not isinstance(s, bool) for s in scope)):
            raise TypeError('ResizeMix: `scope` must be a pair of numbers '
                            f'(low, high) in (0, 1], got {scope!r}')
        low, high = float(scope[0]), float(scope[1])
        if not (0 < low <= high <= 1):
            raise ValueError('ResizeMix: `scope` must satisfy 0 < low <= '
                             f'high <= 1, got {scope!r}')
        if interpolation not in _MODES:
            raise ValueError(f'ResizeMix: `interpolation` must be one of '
                             f'{_MODES}, got {interpolation!r}')
        self.scope = (low, high)
        self.interpolation = interpolation
        self.inplace = bool(inplace)

    def sample_params(self, inputs: Tensor) -> dict:
        h, w = inputs.shape[-2:]
        tau = np.random.uniform(*self.scope)
        rh, rw = max(1, int(round(h * tau))), max(1, int(round(w * tau)))
        y1 = np.random.randint(h - rh + 1)
        x1 = np.random.randint(w - rw + 1)
        return dict(box=(int(y1), int(y1) + rh, int(x1), int(x1) + rw),
                    index=self.sample_index(inputs))

    def mix_tensors(self, inputs: Tensor, scores: Tensor, box: Box,
                    index: Tensor) -> Tuple[Tensor, Tensor]:
        h, w = inputs.shape[-2:]
        y1, y2, x1, x2 = box
        kwargs = {} if self.interpolation in ('nearest', 'area') else dict(
            align_corners=False)
        # resize first, gather after: the permutation then moves the small
        # images, not the full-size ones.
        small = F.interpolate(inputs, size=(y2 - y1, x2 - x1),
                              mode=self.interpolation, **kwargs)[index]
        mixed = paste_box(inputs, small, box, self.inplace)
        return mixed, scores[index].lerp_(scores, box_lam(box, h, w))

    def mix(self, inputs: Tensor, scores: Tensor, box: Box,
            index: Tensor) -> MixedBatch:
        return pasted_batch(inputs, *self.mix_tensors(inputs, scores, box,
                                                      index), box, index)
