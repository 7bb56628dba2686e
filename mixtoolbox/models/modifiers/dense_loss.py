"""Dense loss for any mixup: S. Venkataramanan, E. Kijak, L. Amsaleg and
Y. Avrithis, "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs
and Beyond Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538,
App. A.5 ("Mixup methods with dense loss", Table 12); dense distillation is
Table 9 of the preprint, https://arxiv.org/abs/2206.14868."""
from typing import Optional

import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.heads.dense_head import DenseView, linear_classifier
from mixtoolbox.models.utils.validators import check_optional_int
from mixtoolbox.registry import MODELS
from mixtoolbox.structures import MixedBatch

from .base import BaseModifier


@MODELS.register_module()
class DenseLoss(BaseModifier):
    """Apply the classifier at every position and the loss at each of them.

    App. A.5: the mixup runs as usual, the classifier g_W runs as a
    1×1 convolution on the last feature map (no pooling), and the
    cross-entropy H(Ỹ, P̃^j) (eq. 1) is taken at every position j and
    averaged. The target at position j is the mixup's interpolated target;
    for mask mixups (CutMix, ...) it is the per-position target
    ``MixedBatch.dense_target`` (the mask's share pooled to the map), for the
    others (Mixup, ManifoldMix, MultiMix, ...) the global one. With
    self-distillation the teacher is seen densely too (dense distillation,
    Table 9 of the preprint, last column). Dense MultiMix is dense already
    and unaffected.

    Args:
        resolution (int, optional): average-pool the last map to this side
            length (App. A.5 resolution ablation); None keeps it (4×4 for
            PreActResNet-18 on CIFAR).

    Example:
        >>> cfg = dict(type='MixupClassifier', ...,
        ...            mix_policy=[dict(type='CutMix')],
        ...            modifiers=[dict(type='DenseLoss')])  # doctest: +SKIP
    """

    def __init__(self, resolution: Optional[int] = None):
        super().__init__()
        self.resolution = check_optional_int('DenseLoss', 'resolution',
                                             resolution)

    def attach(self, model: nn.Module) -> None:
        # the dense classifier is the head's final affine layer: fail at build
        linear_classifier(model.head)

    def wrap(self, net: nn.Module) -> nn.Module:
        return net if getattr(net, 'is_dense', False) else DenseView(
            net, self.resolution)

    def prepare_batch(self, net: nn.Module, logits: Tensor, batch: MixedBatch,
                      scores: Tensor) -> MixedBatch:
        if logits.dim() == 4 and batch.target.dim() == 2:
            batch.target = batch.dense_target(scores, logits.shape[-2:])
        return batch

    def extra_repr(self) -> str:
        return f'resolution={self.resolution}'
