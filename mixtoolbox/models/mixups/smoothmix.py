"""SmoothMix: J.-H. Lee, M. Z. Zaheer, M. Astrid and S.-I. Lee, "SmoothMix: a
Simple Yet Effective Data Augmentation to Train Robust Classifiers", CVPR
Workshops 2020 (CVF open access, no arXiv version)."""
import numbers
from typing import Optional, Tuple, Union

import numpy as np
import torch
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup, blend_by_mask


def gaussian_mask(height: int, width: int, centre: Tuple[int, int],
                  sigma: float,
                  device: Optional[Union[str, torch.device]] = None) -> Tensor:
    """``[1, 1, H, W]`` G = exp(−(Δy²/(2(σH)²) + Δx²/(2(σW)²))), peak 1 at
    ``centre`` = (cy, cx); σ is relative to the image side."""
    cy, cx = centre
    ys = torch.arange(height, device=device, dtype=torch.float32) - cy
    xs = torch.arange(width, device=device, dtype=torch.float32) - cx
    gy = torch.exp(-ys ** 2 / (2 * (sigma * height) ** 2))
    gx = torch.exp(-xs ** 2 / (2 * (sigma * width) ** 2))
    return (gy[:, None] * gx[None, :]).view(1, 1, height, width)


@BATCH_AUGMENTS.register_module()
class SmoothMix(BaseMixup):
    """SmoothMix with the Gaussian ("smooth circle") mask.

    A Gaussian G with peak 1 at a uniformly drawn pixel (cy, cx) and width
    σ ~ U(σ_min, σ_max) × image side is the share of the partner
    (the paper's Gaussian mask; σ range of the authors' code; equations
    written out here, not numbered from the paper):

        x̃_i = (1 − G) ⊙ x_i + G ⊙ x_π(i),
        ỹ_i = (1 − mean G) y_i + mean(G) y_π(i).

    The label weight of x_i is 1 − mean(G) because G is the share of
    x_π(i); a known implementation gives x_i the weight mean(G), i.e. the
    labels backwards (``tests/models/mixups/test_smoothmix.py`` checks
    this). ``MixedBatch.mask`` is the share of x_i, 1 − G. One mask per
    batch, as in the paper; on non-square inputs σ scales with each side.

    Args:
        sigma (tuple[float, float]): (σ_min, σ_max), 0 < σ_min ≤ σ_max,
            relative to the image side. Defaults to (0.25, 0.5), the range
            of the authors' code.

    Example:
        >>> import torch
        >>> x, y = torch.rand(2, 3, 8, 8), torch.eye(2)
        >>> out = SmoothMix().mix(x, y, centre=(3, 3), sigma=0.25,
        ...                       index=torch.tensor([1, 0]))
        >>> g = gaussian_mask(8, 8, (3, 3), 0.25)
        >>> torch.allclose(out.target[0, 0], 1 - g.mean())
        True
    """

    pairwise = True

    def __init__(self, sigma=(0.25, 0.5)):
        if (not isinstance(sigma, (tuple, list)) or len(sigma) != 2
                or not all(isinstance(s, numbers.Real)
                           and not isinstance(s, bool) for s in sigma)):
            raise TypeError('SmoothMix: `sigma` must be a pair of numbers '
                            f'(low, high) with 0 < low <= high, got {sigma!r}')
        low, high = float(sigma[0]), float(sigma[1])
        if not (0 < low <= high and np.isfinite(high)):
            raise ValueError('SmoothMix: `sigma` must satisfy 0 < low <= '
                             f'high < inf, got {sigma!r}')
        self.sigma = (low, high)

    def sample_params(self, inputs: Tensor) -> dict:
        h, w = inputs.shape[-2:]
        centre = (int(np.random.randint(h)), int(np.random.randint(w)))
        return dict(centre=centre, sigma=float(np.random.uniform(*self.sigma)),
                    index=self.sample_index(inputs))

    def mix(self, inputs: Tensor, scores: Tensor, centre: Tuple[int, int],
            sigma: float, index: Tensor) -> MixedBatch:
        h, w = inputs.shape[-2:]
        own = 1.0 - gaussian_mask(h, w, centre, sigma, inputs.device)
        return blend_by_mask(
            inputs, scores, own, index,
            params=dict(centre=centre, sigma=sigma, index=index))
