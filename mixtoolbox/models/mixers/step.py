"""The Mixer's part of a training step, shared by the supervised
(:class:`~mixtoolbox.models.classifiers.AutoMixClassifier`) and the
self-supervised (:class:`~mixtoolbox.models.selfsup.SAMixMoCo`) pipeline.

Both follow the momentum pipeline of SAMix (S. Li, Z. Liu, D. Wu, Z. Liu,
S. Z. Li, "Boosting Discriminative Visual Representation Learning with
Scenario-Agnostic Mixup", arXiv:2111.15454v1, 2021,
https://arxiv.org/abs/2111.15454v1, §3.3 and App. A.1.2) and AutoMix
(Z. Liu, S. Li, D. Wu, Z. Liu, Z. Chen, L. Wu, S. Z. Li, "AutoMix: Unveiling
the Power of Mixup for Stronger Classifiers", ECCV 2022,
https://arxiv.org/abs/2103.13027): in each step the Mixer makes two masks
from the momentum encoder's layer-l maps with independent λ ~ Beta(α, α)
and partners, one trained through the frozen momentum encoder and one,
detached, for the online network.
"""
from typing import Any, Callable

import numpy as np
import torch
from torch import Tensor

from mixtoolbox.models.utils import check_positive, in_range, stage_at
from mixtoolbox.registry import MODELS
from mixtoolbox.structures import MixedBatch

from .mixer import adjust_mask


class MixerStep:
    """Mixin of the models that train a learnable Mixer (an ``nn.Module``
    subclass that has built ``self.backbone``).

    It owns the Mixer's settings (α, the tapped stage, λ margin and λ
    adjusting), draws the step's randomness (:meth:`sample_params`), makes
    the online network's mask (:meth:`online_mask`) and keeps the Mixer's
    batch for :class:`~mixtoolbox.engine.hooks.MixedGalleryHook`
    (``keep_last_mix`` / ``last_mix``). The losses stay with each model.
    """

    @staticmethod
    def refuse_mix_policy(owner: str, mix_policy: Any) -> None:
        if mix_policy:
            raise ValueError(f'{owner}: `mix_policy` must be empty; the '
                             'learnable Mixer does the mixing')

    def init_mixer_step(self, owner: str, mixer: dict, mixer_loss: dict,
                        alpha: float, mask_layer: int, lam_margin: float,
                        lam_adjust: float) -> None:
        """Check the settings and build the Mixer and its loss (in this
        order, so the parameter initialisation draws are unchanged)."""
        self.mask_stage = stage_at(self.backbone, mask_layer, owner)
        self.alpha = check_positive('alpha', alpha, owner)
        self.lam_margin = in_range(owner, 'lam_margin', lam_margin, 0, 0.5)
        self.lam_adjust = in_range(owner, 'lam_adjust', lam_adjust, 0, 1)
        self.mixer = MODELS.build(mixer)
        self.mixer_loss = MODELS.build(mixer_loss)
        self.keep_last_mix = False  # set by MixedGalleryHook
        self.last_mix = None

    def sample_params(self, inputs: Tensor) -> dict:
        """λ and partners of the Mixer's batch (``_k``) and of the online
        one (``_q``), and whether the online mask is λ-adjusted."""
        lam_k, lam_q = np.random.beta(self.alpha, self.alpha, size=2)
        n, device = inputs.size(0), inputs.device
        return dict(lam_k=float(lam_k), lam_q=float(lam_q),
                    index_k=torch.randperm(n, device=device),
                    index_q=torch.randperm(n, device=device),
                    adjust=bool(np.random.random_sample() < self.lam_adjust))

    def online_mask(self, like: Tensor, lam: float, adjust: bool,
                    make_mask: Callable[[], Tensor]) -> Tensor:
        """The online network's mask: plain mixup (a constant λ) when λ is
        within ``lam_margin`` of 0 or 1, else the Mixer's mask
        ``make_mask()`` without gradient, λ-adjusted when ``adjust``.
        ``like`` gives the batch size, dtype and device of a constant
        mask."""
        if min(lam, 1 - lam) <= self.lam_margin:
            return like.new_full((like.size(0), 1, 1, 1), lam)
        with torch.no_grad():
            mask = make_mask()
        if adjust:
            mask = adjust_mask(mask, lam)
        return mask

    @staticmethod
    def blend(inputs: Tensor, others: Tensor, mask: Tensor,
              index: Tensor) -> Tensor:
        """s ⊙ x_i + (1 − s) ⊙ x'_index[i], with x' = ``others`` (the same
        batch, or the other view)."""
        other = others[index]
        return other + mask.to(inputs.dtype) * (inputs - other)

    def remember_mix(self, mixed: Tensor, target: Tensor, lam: Tensor,
                     index: Tensor, mask: Tensor, source: Tensor) -> None:
        """Keep the Mixer's batch (detached) for the gallery hook."""
        self.last_mix = MixedBatch(mixed.detach(), target.detach(), lam=lam,
                                   index=index, mask=mask.detach(),
                                   extras=dict(source=source.detach()))
