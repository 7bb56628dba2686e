"""GridMix: K. Baek, D. Bang and H. Shim, "GridMix: Strong regularization
through local context mapping", Pattern Recognition, 2021 (journal article,
no arXiv version)."""
import numbers

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup, blend_by_mask


def _grid_range(grid_size):
    """``grid_size`` as an inclusive (low, high) pair of ints >= 1."""
    sizes = (grid_size, grid_size) if isinstance(grid_size, numbers.Integral) \
        and not isinstance(grid_size, bool) else grid_size
    if (not isinstance(sizes, (tuple, list)) or len(sizes) != 2
            or not all(isinstance(s, numbers.Integral)
                       and not isinstance(s, bool) for s in sizes)):
        raise TypeError('GridMix: `grid_size` must be an int or a pair of '
                        f'ints (low, high), got {grid_size!r}')
    low, high = int(sizes[0]), int(sizes[1])
    if not 1 <= low <= high:
        raise ValueError('GridMix: `grid_size` must satisfy 1 <= low <= '
                         f'high, got {grid_size!r}')
    return low, high


@BATCH_AUGMENTS.register_module()
class GridMix(BaseMixup):
    """GridMix: mix two images cell by cell on a random g × g grid.

    The image is split into a g × g grid; with λ ~ Beta(α, α) every cell
    independently shows x_i with probability λ and x_π(i) otherwise
    (the paper's grid-based mixing). With M the resulting binary mask:

        x̃_i = M ⊙ x_i + (1 − M) ⊙ x_π(i),    ỹ_i = λ' y_i + (1 − λ') y_π(i)

    and λ' = mean(M), the area share that was actually drawn. Cells are
    ``nearest``-upsampled, so H and W need not be multiples of g. One grid
    per batch, like CutMix's single box.

    The per-cell labels of the paper's local-context loss are
    ``MixedBatch.dense_target`` at the grid resolution (the mask is kept);
    that loss belongs to a dense head and is not part of this class.

    Reading of the paper: its text was not available to us, so the cell
    probability λ ~ Beta(α, α) and the defaults below are our choices,
    stated here rather than guessed as the paper's.

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0 (as the
            CutMix baselines of the MultiMix and SAMix papers).
        grid_size (int | tuple[int, int]): g, or an inclusive range
            (low, high) to draw g from uniformly. Defaults to 4 (8-pixel
            cells on 32 × 32 CIFAR images).

    Example:
        >>> import torch
        >>> x, y = torch.zeros(2, 1, 4, 4), torch.eye(2)
        >>> cells = torch.tensor([[True, False], [False, False]])
        >>> out = GridMix().mix(x, y, cells=cells,
        ...                     index=torch.tensor([1, 0]))
        >>> out.target[0].tolist()
        [0.25, 0.75]
    """

    pairwise = True

    def __init__(self, alpha: float = 1.0, grid_size=4):
        self.alpha = check_positive('alpha', alpha, 'GridMix')
        self.grid_size = _grid_range(grid_size)

    def sample_params(self, inputs: Tensor) -> dict:
        h, w = inputs.shape[-2:]
        low, high = self.grid_size
        if high > min(h, w):
            raise ValueError(f'GridMix: `grid_size` {self.grid_size} exceeds '
                             f'the input size {h}x{w}; cells would be empty')
        g = int(np.random.randint(low, high + 1))
        lam = self.sample_beta(self.alpha)
        cells = torch.rand(g, g, device=inputs.device) < lam
        return dict(cells=cells, index=self.sample_index(inputs))

    def mix(self, inputs: Tensor, scores: Tensor, cells: Tensor,
            index: Tensor) -> MixedBatch:
        if cells.dim() != 2:
            raise ValueError('GridMix: `cells` must be a 2-D [g, g] tensor, '
                             f'got shape {tuple(cells.shape)}')
        h, w = inputs.shape[-2:]
        mask = F.interpolate(cells[None, None].float(), size=(h, w),
                             mode='nearest')
        return blend_by_mask(inputs, scores, mask, index,
                             params=dict(cells=cells, index=index))
