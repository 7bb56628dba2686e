"""η-balanced mixup loss of SAMix, §3.2, eqs. (6) and (8).

S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 (sections and equations numbered as
in that first arXiv version; later versions are revised).
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.utils import check_real, in_range
from mixtoolbox.registry import MODELS


def split_mixup_ce(logits: Tensor, target: Tensor) -> Tuple[Tensor, Tensor]:
    """Split the soft-target cross-entropy into its local and global terms.

    With ``P`` the classes a target row puts mass on (the two classes a, b
    of a mixed pair), ``p = softmax(logits)`` and ``p̂_c = p_c / Σ_{c'∈P}
    p_c'`` the prediction renormalised over ``P``:

    * local (pBCE, eq. 6): ``ℓ_+ = −Σ_{c∈P} y_c log p̂_c`` — how
      the mixed sample is shared between its two classes;
    * global: ``ℓ_− = −log Σ_{c∈P} p_c`` — how far it is from every other
      class (Table 1, "global" row).

    Because targets sum to 1, ``ℓ_+ + ℓ_− = −Σ_c y_c log p_c`` exactly (the
    mixup CE of eq. 3), so the split loses nothing.

    Returns:
        tuple[Tensor, Tensor]: per-sample ``ℓ_+`` and ``ℓ_−``, shape ``[N]``,
        in float32 (the log-sum-exps are unstable in bf16).
    """
    logits = logits.float()
    target = target.float()
    inside = target > 0
    lse_all = torch.logsumexp(logits, dim=1)
    lse_pair = torch.logsumexp(logits.masked_fill(~inside, float('-inf')),
                               dim=1)
    local = -(target * (logits - lse_pair[:, None])).sum(dim=1)
    return local, lse_all - lse_pair


@MODELS.register_module()
class EtaBalancedLoss(nn.Module):
    """ℓ_η = ℓ_+ + η ℓ_− (SAMix eq. 8), the Mixer's classification loss.

    η = 1 is exactly the mixup cross-entropy (AutoMix trains its Mixer with
    it), η = 0 keeps only the local pBCE term; in between, the global term is
    down-weighted, which changes the gradient the Mixer receives (a weight
    on a softmax CE that is applied after summing both terms would not).

    Targets with mass on every class (label smoothing) leave no "other
    classes": then ℓ_− = 0 and η has no effect, so use one-hot-based mixed
    targets here.

    Args:
        eta (float): weight η ∈ [0, 1] of the global term. Defaults to 0.5,
            the small-dataset value of SAMix §3.2 / App. A.1.2 (CIFAR-100,
            Tiny, CUB, Aircraft); use 0.1 for ImageNet-scale data (A.1.2).
        loss_weight (float): multiplier of the loss. Defaults to 1.0.

    Example:
        >>> import torch
        >>> logits = torch.tensor([[2.0, 1.0, -1.0]])
        >>> target = torch.tensor([[0.7, 0.3, 0.0]])
        >>> ce = -(target * logits.log_softmax(1)).sum()
        >>> torch.allclose(EtaBalancedLoss(eta=1.0)(logits, target), ce)
        True
    """

    def __init__(self, eta: float = 0.5, loss_weight: float = 1.0):
        super().__init__()
        # η weighs the global term of eq. (8)
        self.eta = in_range('EtaBalancedLoss', 'eta', eta, 0, 1)
        self.loss_weight = check_real('EtaBalancedLoss', 'loss_weight',
                                      loss_weight, 0)

    def forward(self, cls_score: Tensor, target: Tensor,
                avg_factor: Optional[float] = None) -> Tensor:
        """Mean (or sum / ``avg_factor``) of ℓ_η over the batch.

        Args:
            cls_score (Tensor): logits ``[N, K]``.
            target (Tensor): soft targets ``[N, K]``, rows summing to 1.
            avg_factor (float, optional): divide the summed loss by this
                instead of ``N``.
        """
        if cls_score.dim() != 2 or target.shape != cls_score.shape:
            raise ValueError('EtaBalancedLoss: `cls_score` and `target` must '
                             'both be [N, K] with the same shape, got '
                             f'{tuple(cls_score.shape)} and '
                             f'{tuple(target.shape)}')
        if not target.is_floating_point():
            raise TypeError('EtaBalancedLoss: `target` must hold soft '
                            f'targets (floating point), got {target.dtype}')
        local, global_ = split_mixup_ce(cls_score, target)
        per_sample = local + self.eta * global_
        denom = cls_score.size(0) if avg_factor is None else avg_factor
        return self.loss_weight * per_sample.sum() / denom
