"""Momentum (EMA) copy of a network that averages its parameters only.

MoCo (He et al., "Momentum Contrast for Unsupervised Visual Representation
Learning", CVPR 2020, arXiv:1911.05722, Algorithm 1) updates the key encoder
as θ_k ← m θ_k + (1 − m) θ_q over the *parameters*; its BatchNorm running
statistics are the key encoder's own, collected by its train-mode forward
passes. SAMix/AutoMix's momentum pipeline (Li et al., "Boosting
Discriminative Visual Representation Learning with Scenario-Agnostic
Mixup", arXiv:2111.15454, eq. 12; Liu et al., "AutoMix: Unveiling the Power
of Mixup for Stronger Classifiers", ECCV 2022) does the same in the
authors' code. mmengine's ``ExponentialMovingAverage`` offers two other
readings: copy the online buffers at every update (``update_buffers=False``)
or average them too (``update_buffers=True``); this class keeps neither.
"""
import torch.nn as nn
from mmengine.model import ExponentialMovingAverage


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
