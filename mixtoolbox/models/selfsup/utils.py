"""Pieces shared by the self-supervised mixup models.

Equations of S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting
Discriminative Visual Representation Learning with Scenario-Agnostic Mixup",
arXiv:2111.15454v1, 2021, https://arxiv.org/abs/2111.15454v1 (numbered as in
that first arXiv version; later versions are revised).
"""
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.mixups.base import BaseMixup


def mixed_nce(z_m: Tensor, keys: Tensor, queue: Tensor, temperature: float,
              lam: Union[float, Tensor], index: Tensor,
              partner_keys: Optional[Tensor] = None) -> Tensor:
    """Mixup infoNCE, SAMix eq. (4), averaged over the batch:

        ℓ(z_m) = λ ℓ(z_m, z_i) + (1 − λ) ℓ(z_m, z'_index[i]),

    each ℓ(z, z⁺) = −log e^{z·z⁺/t} / (e^{z·z⁺/t} + Σ_{q∈queue} e^{z·q/t})
    the MoCo infoNCE of eq. (2) (one positive against the queue). Computed
    in float32 (log-sum-exps over the queue are unstable in bf16).

    Args:
        z_m (Tensor): ``[N, d]`` normalised embeddings of the mixed samples.
        keys (Tensor): ``[N, d]`` normalised z_i, the positive of sample i.
        queue (Tensor): ``[d, K]`` the negatives.
        lam (float | Tensor): λ, a number or ``[N]`` (share of sample i).
        index (Tensor): ``[N]`` the partner j = index[i] of sample i.
        partner_keys (Tensor, optional): ``[N, d]`` z', the positives of the
            partners (cross-view: the momentum embeddings of the views that
            were *not* pasted into x_m). Defaults to ``keys``.
    """
    if partner_keys is None:
        partner_keys = keys
    z_m, keys, queue = z_m.float(), keys.float(), queue.float()
    lam = torch.as_tensor(lam, dtype=torch.float32, device=z_m.device)
    neg = torch.logsumexp(z_m @ queue / temperature, dim=1)
    pos_i = (z_m * keys).sum(1) / temperature
    pos_j = (z_m * partner_keys.float()[index]).sum(1) / temperature
    nce_i = torch.logaddexp(pos_i, neg) - pos_i
    nce_j = torch.logaddexp(pos_j, neg) - pos_j
    return (lam * nce_i + (1 - lam) * nce_j).mean()


def check_instance_mixup(mixup: 'BaseMixup', owner: str) -> None:
    """Eq. (4) needs a pairwise mixup (λ and a partner index, declared by
    ``BaseMixup.pairwise``) that runs without a classifier."""
    if not (isinstance(mixup, BaseMixup) and mixup.pairwise):
        raise ValueError(f'{owner}: {type(mixup).__name__} is not a pairwise '
                         'mixup of mixtoolbox (BaseMixup.pairwise); eq. (4) '
                         'needs pairs: use Mixup, CutMix, ResizeMix, FMix, '
                         'GridMix, SmoothMix, ManifoldMix or InterIntraMix')
    if mixup.space == 'input' and not mixup.model_free:
        raise ValueError(f'{owner}: {mixup.name} needs a classifier (saliency'
                         ') and self-supervised training has none; use a '
                         'model-free mixup')


class QueryEncoder:
    """The online encoder as embedding-space mixups see a model:
    ``head(extract_feat(x))`` is the normalised query embedding."""

    def __init__(self, moco: nn.Module) -> None:
        self.backbone = moco.backbone
        self._moco = moco

    def extract_feat(self, x: Tensor) -> Tuple[Tensor, ...]:
        return self.backbone(x)

    def head(self, feats: Tuple[Tensor, ...]) -> Tensor:
        return F.normalize(self._moco.neck(feats)[0], dim=1)
