"""ζ-Mixup: K. Abhishek, C. J. Brown and G. Hamarneh, "Multi-Sample ζ-mixup:
Richer, More Realistic Synthetic Samples from a p-Series Interpolant",
Journal of Big Data 11:43, 2024; arXiv preprint 2022,
https://arxiv.org/abs/2204.03323."""
from typing import Optional, Union

import torch
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup


def p_series_weights(n: int, gamma: float,
                     device: Optional[Union[str, torch.device]] = None
                     ) -> Tensor:
    """w_r = r^(−γ) / Σ_{j=1..n} j^(−γ), r = 1..n (float32, decreasing)."""
    ranks = torch.arange(1, n + 1, device=device, dtype=torch.float64)
    w = ranks.pow(-gamma)
    return (w / w.sum()).float()


@BATCH_AUGMENTS.register_module()
class ZetaMixup(BaseMixup):
    """ζ-Mixup: every output is a convex combination of the whole batch.

    The weights are the normalised p-series w_r ∝ r^(−γ), r = 1..N. For
    output i a random ordering s_i of the batch with s_i(1) = i hands w_1,
    the largest weight, to x_i itself and w_2..w_N to the others in random
    order (the paper's random permutation of the weights; as the MultiMix
    preprint, https://arxiv.org/abs/2206.14868 §2, puts it: "ζ-Mixup uses
    random permutations of a fixed vector"):

        x̃_i = Σ_r w_r x_{s_i(r)},    ỹ_i = Σ_r w_r y_{s_i(r)}.

    Written as a row-stochastic matrix W (W[i, s_i(r)] = w_r): X̃ = W X,
    Ỹ = W Y, one matrix product each. The own weight w_1 = 1/Σ_j j^(−γ)
    stays above 1/2 for every N iff ζ(γ) ≤ 2, i.e. γ ≳ 1.73 (the paper's
    γ_min); 1 < γ < 1.73 is allowed but lets the other labels dominate.
    γ ≤ 1 is refused: the p-series diverges there, so the own weight
    w_1 → 0 as the batch grows and the mixed label stops naming x_i.

    Args:
        gamma (float): γ > 1. Defaults to 2.8, the paper's default and the
            value of the ζ-Mixup baseline in Tables 6–8 of the appendix of
            Venkataramanan et al., NeurIPS 2023,
            https://arxiv.org/abs/2311.05538.

    Example:
        >>> import torch
        >>> x, y = torch.rand(3, 1, 2, 2), torch.eye(3)
        >>> order = torch.tensor([[0, 1, 2], [1, 2, 0], [2, 0, 1]])
        >>> out = ZetaMixup(gamma=2.0).mix(x, y, order=order)
        >>> [round(v, 4) for v in out.target[0].tolist()]  # 1, 1/4, 1/9
        [0.7347, 0.1837, 0.0816]
    """

    def __init__(self, gamma: float = 2.8):
        self.gamma = check_positive('gamma', gamma, 'ZetaMixup')
        if not self.gamma > 1:
            raise ValueError('ZetaMixup: `gamma` must be a number > 1 (the '
                             'exponent of the p-series weights r^-gamma; the '
                             f'paper\'s default is 2.8), got {gamma!r}')

    def sample_params(self, inputs: Tensor) -> dict:
        n = inputs.size(0)
        keys = torch.rand(n, n, device=inputs.device)
        # rand() < 1, so a key of 2 puts each sample first in its own row.
        keys.fill_diagonal_(2.0)
        return dict(order=keys.argsort(dim=1, descending=True))

    def mix(self, inputs: Tensor, scores: Tensor, order: Tensor) -> MixedBatch:
        n = inputs.size(0)
        if tuple(order.shape) != (n, n):
            raise ValueError(f'ZetaMixup: `order` must have shape ({n}, {n}) '
                             f'(a permutation per output), got '
                             f'{tuple(order.shape)}')
        w = p_series_weights(n, self.gamma, inputs.device)
        weights = torch.zeros(n, n, device=inputs.device).scatter_(
            1, order, w.expand(n, n))
        # Full precision even under autocast: targets must sum to 1.
        with torch.autocast(inputs.device.type, enabled=False):
            mixed = (weights @ inputs.flatten(1).float()).view_as(inputs)
            target = weights @ scores.float()
        return MixedBatch(mixed.to(inputs.dtype), target.to(scores.dtype),
                          params=dict(order=order),
                          extras=dict(weights=weights))
