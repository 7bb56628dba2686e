"""Mixup: H. Zhang, M. Cisse, Y. N. Dauphin and D. Lopez-Paz, "mixup: Beyond
Empirical Risk Minimization", ICLR 2018, https://arxiv.org/abs/1710.09412."""
from typing import List, Sequence, Tuple

import torch
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup


@BATCH_AUGMENTS.register_module()
class Mixup(BaseMixup):
    """Input mixup.

    With λ ~ Beta(α, α) and a random partner permutation π (Zhang et al.,
    eq. 1 of the paper):

        x̃_i = λ x_i + (1 − λ) x_π(i),     ỹ_i = λ y_i + (1 − λ) y_π(i).

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0, the
            paper's CIFAR value and the CIFAR-100 baseline setting of SAMix
            (Li et al., arXiv:2111.15454, App. A.1.2); ImageNet recipes
            commonly use 0.2.

    Example:
        >>> import torch
        >>> mixup = Mixup(alpha=1.0)
        >>> x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
        >>> out = mixup.mix(x, y, lam=0.3, index=torch.tensor([1, 0, 3, 2]))
        >>> torch.allclose(out.inputs[0], 0.3 * x[0] + 0.7 * x[1])
        True
    """

    pairwise = True

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_positive('alpha', alpha, 'Mixup')

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(lam=self.sample_beta(self.alpha),
                    index=self.sample_index(inputs))

    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """Multi-mix of input mixup (Shen et al. 2024, §III-A1, eq. 6): one
        partner π for all K ratios."""
        index = self.sample_index(inputs)
        return [dict(lam=lam, index=index) for lam in lams]

    def mix_tensors(self, inputs: Tensor, scores: Tensor, lam: float,
                    index: Tensor) -> Tuple[Tensor, Tensor]:
        # lerp_ on the gathered copy: one allocation and one fused kernel
        # (x[π] + λ (x − x[π]) = λ x + (1 − λ) x[π]); index_select gathers
        # the same values as x[π], with less overhead
        return (inputs.index_select(0, index).lerp_(inputs, lam),
                scores.index_select(0, index).lerp_(scores, lam))

    def mix(self, inputs: Tensor, scores: Tensor, lam: float,
            index: Tensor) -> MixedBatch:
        mixed, target = self.mix_tensors(inputs, scores, lam, index)
        lam_t = torch.full((inputs.size(0), ), float(lam),
                           device=inputs.device)
        return MixedBatch(mixed, target, lam=lam_t, index=index,
                          params=dict(lam=lam, index=index))
