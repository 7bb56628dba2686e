"""Momentum (EMA) copy of a network that averages its parameters only.

MoCo (He et al., "Momentum Contrast for Unsupervised Visual Representation
Learning", CVPR 2020, https://arxiv.org/abs/1911.05722, Algorithm 1)
updates the key encoder as θ_k ← m θ_k + (1 − m) θ_q over the
*parameters*; its BatchNorm running statistics are the key encoder's own,
collected by its train-mode forward passes. SAMix/AutoMix's momentum pipeline
(S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1, eq. (12) as numbered there; Z. Liu et
al., "AutoMix: Unveiling the Power of Mixup for Stronger Classifiers", ECCV
2022, https://arxiv.org/abs/2103.13027) does the same in the authors' code.
mmengine's ``ExponentialMovingAverage`` offers two other readings: copy the
online buffers at every update (``update_buffers=False``) or average them too
(``update_buffers=True``); this class keeps neither.
"""
import torch.nn as nn
from mmengine.model import ExponentialMovingAverage

from .validators import in_range

__all__ = ['MomentumEncoder', 'ema_weight_of_new', 'paper_momentum']


def ema_weight_of_new(momentum: float) -> float:
    """The papers' decay m of θ_k ← m θ_k + (1 − m) θ_q (MoCo's Algorithm 1;
    SAMix's and AutoMix's momentum pipeline) as mmengine's EMA
    ``momentum``, which is the weight of the *new* value: 0.999 → 0.001."""
    return 1.0 - momentum


def paper_momentum(encoder: str, doc: str) -> property:
    """A ``momentum`` property in the papers' convention (weight of the old
    average, in [0, 1]) over the :class:`MomentumEncoder` attribute
    ``encoder`` of the model, which stores mmengine's convention. Setting
    it (configs, ``MomentumScheduleHook``) checks the value."""

    def get(model: nn.Module) -> float:
        return 1.0 - getattr(model, encoder).momentum

    def set_(model: nn.Module, value: float) -> None:
        value = in_range(type(model).__name__, 'momentum', value, 0, 1)
        getattr(model, encoder).momentum = ema_weight_of_new(value)

    return property(get, set_, doc=doc)


class MomentumEncoder(ExponentialMovingAverage):
    """``ExponentialMovingAverage`` of the parameters only; the buffers (BN
    running statistics) are left to the copy's own forward passes.

    Args:
        model: the online network (deep-copied).
        momentum: mmengine's convention, the weight of the *new* value
            (1 − m of the papers).
    """

    def __init__(self, model: nn.Module, momentum: float = 0.0002) -> None:
        super().__init__(model, momentum, update_buffers=False)

    def update_parameters(self, model: nn.Module) -> None:
        """θ_avg ← (1 − momentum) θ_avg + momentum θ (the first call
        copies θ); buffers untouched."""
        src = dict(model.named_parameters())
        if self.steps == 0:
            for name, p_avg in self.avg_parameters.items():
                p_avg.data.copy_(src[name].data)
        elif self.steps % self.interval == 0:
            for name, p_avg in self.avg_parameters.items():
                self.avg_func(p_avg.data, src[name].data.to(p_avg.device),
                              self.steps)
        self.steps += 1
