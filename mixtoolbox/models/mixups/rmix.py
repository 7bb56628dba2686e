"""R-Mix: M.-L. Luu, Z. Huang, E. P. Xing, Y. J. Lee and H. Wang,
"Expeditious Saliency-guided Mix-up through Random Gradient Thresholding",
arXiv preprint, 2022, https://arxiv.org/abs/2212.04875 (code:
https://github.com/minhlong94/Random-Mixup); the saliency top/least-region
mixing of Strategy 3 in Table 3 of its supplementary material."""
import numbers
from typing import List, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .saliency_mixup import SaliencyMixup


@BATCH_AUGMENTS.register_module()
class RMix(SaliencyMixup):
    """R-Mix: mix where two images agree on saliency, keep the salient one
    where they disagree.

    Saliency s = √(mean_c (∂L/∂x)²) from a train-mode forward/backward is
    averaged over ``p × p`` patches (p drawn from ``patch_sizes``, given at
    32 px and scaled with the resolution). Image i draws a quantile level
    q_i from ``quantiles``; its *top* patches are those with pooled
    saliency ≥ the q_i-quantile of its own patches, the rest are *least*.
    With one (w₁, w₂) ~ Dirichlet(α, α) per batch and a partner π
    (supplementary material, Table 3, Strategy 3; Fig. 1):

        top–top, least–least:  x̃ = w₁ x_i + w₂ x_π(i)      (share a = w₁)
        top–least:             x̃ = x_i                      (a = 1)
        least–top:             x̃ = x_π(i)                   (a = 0)

    and the target is area-weighted: λ = mean_pixels(a),
    ỹ = λ y_i + (1 − λ) y_π(i) (sums to 1).

    Args (defaults: the CIFAR code path of the authors' repository):
        patch_sizes (tuple[int]): patch sides in px at 32 px. (8, 16).
        quantiles (sequence[float]): levels q in [0, 1). linspace(0, .99, 10).
        alpha (float): Dirichlet concentration of (w₁, w₂). 1.0.

    Example:
        >>> import torch
        >>> x, y = torch.zeros(2, 1, 4, 4), torch.eye(2)
        >>> x[1] = 1
        >>> top = torch.ones(2, 1, 2, 2, dtype=torch.bool)  # q = 0
        >>> out = RMix().mix(x, y, index=torch.tensor([1, 0]), top=top,
        ...                  weights=(0.3, 0.7))
        >>> [round(v, 4) for v in out.target[0].tolist()]
        [0.3, 0.7]
        >>> round(out.inputs[0].mean().item(), 4)
        0.7
    """
    pairwise = True
    solved_key = 'top'
    saliency_training = True  # train-mode pass, no clean loss

    def __init__(self, patch_sizes: Sequence[int] = (8, 16),
                 quantiles: Sequence[float] = tuple(np.linspace(0, 0.99, 10)),
                 alpha: float = 1.0):
        if (not isinstance(patch_sizes, (tuple, list)) or not patch_sizes
                or not all(isinstance(p, int) and p >= 1
                           for p in patch_sizes)):
            raise ValueError('RMix: `patch_sizes` must be a non-empty list of '
                             f'ints >= 1 (px at 32 px), got {patch_sizes!r}')
        if (not isinstance(quantiles, (tuple, list, np.ndarray))
                or not len(quantiles)
                or not all(isinstance(q, numbers.Real) and 0 <= q < 1
                           for q in quantiles)):
            raise ValueError('RMix: `quantiles` must be a non-empty list of '
                             f'numbers in [0, 1), got {quantiles!r}')
        if (isinstance(alpha, bool) or not isinstance(alpha, numbers.Real)
                or not alpha > 0):
            raise ValueError(f'RMix: `alpha` must be > 0, got {alpha!r}')
        self.patch_sizes = tuple(patch_sizes)
        self.quantiles = tuple(float(q) for q in quantiles)
        self.alpha = float(alpha)

    def sample_params(self, inputs: Tensor) -> dict:
        n, _, h, w = inputs.shape
        base = int(np.random.choice(self.patch_sizes))
        patch = max(1, round(base * h / 32))
        if h % patch or w % patch:
            raise ValueError(f'RMix: a {base} px patch at 32 px is {patch} px '
                             f'at {h}x{w}, which does not tile the image; '
                             'choose `patch_sizes` that divide it')
        return dict(index=self.sample_index(inputs), patch=patch,
                    q=np.random.choice(self.quantiles, size=n),
                    weights=tuple(np.random.dirichlet([self.alpha] * 2)))

    @staticmethod
    def top_patches(saliency: Tensor, patch: int, q: Sequence[float]
                    ) -> Tensor:
        """``[N, 1, H/p, W/p]`` True where a patch's mean saliency is ≥ the
        q_i-quantile (linear interpolation) of image i's patches."""
        pooled = F.avg_pool2d(saliency[:, None].float(), patch)
        q = torch.as_tensor(np.asarray(q, dtype=np.float32),
                            device=pooled.device)
        flat = pooled.flatten(1)
        # per-image quantile: torch.quantile takes one q per call, so pick
        # the diagonal of the [N, N] table (N is a batch, this is cheap)
        level = torch.quantile(flat, q, dim=1).diagonal()
        return pooled >= level[:, None, None, None]

    def mix(self, inputs: Tensor, scores: Tensor, index: Tensor, top: Tensor,
            weights: Sequence[float]) -> MixedBatch:
        h, w = inputs.shape[-2:]
        w1, w2 = (float(v) for v in weights)
        own = F.interpolate(top.float(), size=(h, w), mode='nearest')
        other = own[index]
        agree = own == other
        share = torch.where(agree, torch.full_like(own, w1), own)
        partner = inputs[index]
        mixed = torch.where(agree, w1 * inputs + w2 * partner,
                            torch.where(own > 0, inputs, partner))
        lam = share.flatten(1).mean(1)
        # (w1, w2) sums to 1, so the agreeing area splits w1 : w2 exactly
        target = torch.lerp(scores[index], scores,
                            lam[:, None].to(scores.dtype))
        return MixedBatch(mixed, target, lam=lam, index=index, mask=share,
                          params=dict(index=index, top=top,
                                      weights=(w1, w2)))

    def solve_saliency(self, model: nn.Module, inputs: Tensor,
                       saliency: Tensor, parts: Sequence[dict]) -> List[dict]:
        return [dict(index=p['index'], weights=p['weights'],
                     top=self.top_patches(saliency, p['patch'], p['q']))
                for p in parts]
