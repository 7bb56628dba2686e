"""Online self-distillation for any mixup: S. Venkataramanan, E. Kijak,
L. Amsaleg and Y. Avrithis, "Teach me how to Interpolate a Myriad of
Embeddings", arXiv preprint, 2022, https://arxiv.org/abs/2206.14868 (the
version reviewed for ICLR 2023, https://openreview.net/forum?id=iF0B-U0J5fG),
§3.3, eq. (9), Table 9. Section, equation and table numbers are this
preprint's: self-distillation is not part of the NeurIPS 2023 version,
https://arxiv.org/abs/2311.05538."""
import dataclasses
import numbers
from typing import TYPE_CHECKING, List

import torch
import torch.nn as nn
from mmengine.model import ExponentialMovingAverage
from torch import Tensor

from mixtoolbox.registry import MODELS
from mixtoolbox.structures import MixedBatch

from .base import BaseModifier

if TYPE_CHECKING:
    from mixtoolbox.models.mixups.base import BaseMixup

MULTIVIEW_HINT = (
    "add mmpretrain's MultiView to the train pipeline before PackInputs, "
    "e.g. dict(type='MultiView', num_views=2, transforms=[[...augmentations"
    "...]]), and use data_preprocessor=dict(type='MultiViewDataPreprocessor',"
    ' ...) so the model receives a list of 2 views')


@MODELS.register_module()
class SelfDistill(BaseModifier):
    """Mean-teacher self-distillation of the mixed predictions.

    The teacher f' is an exponential moving average of the student, never
    trained (no gradient). Each image comes as two views V = t(X) (student)
    and V' = t'(X) (teacher). The teacher replays the student's mixing on
    V' — ``mixup.forward_train(teacher, V', Y, params=batch.params)``, the
    same Λ / λ / permutation / box — and the student minimises (eq. 9)

        γ H(Ỹ, P̃) + (1 − γ) H(P̃', P̃),

    reported as ``loss`` (the first term) and ``loss_distill``. The second
    term is the mixup's own loss with the teacher's probabilities as
    targets, so it follows the mixup (eq. 15 weights for Dense MultiMix, per
    position under DenseLoss). Plain iterations of the policy are distilled
    too (Table 9, "Baseline + distil").

    Target reading: P̃' is the teacher's prediction on its own mixed
    embeddings, P̃' = g_W'(Z̃'), with Z̃' the teacher's embeddings of V' mixed
    with the student's Λ (what "the teacher replays the mixing" means
    above). The alternative reading, mixing the teacher's clean predictions
    P'Λ, equals it for MultiMix at the last layer (g_W' is affine and the
    columns of Λ sum to 1) but not for input or earlier-layer mixups, where
    the teacher sees the mixed image. The replay is what §3.3 states
    ("Interpolation": Z̃' from Z' by eq. (6) with the same Λ, P̃' =
    g_W'(Z̃')) and what the layer ablation of §4.4 says ("we interpolate at
    the same layer for both the teacher and the student"); it also applies
    to every mixup.

    The teacher (a submodule, so it follows ``train()``/``eval()`` and is
    saved in checkpoints) is updated at the start of each step from the
    weights the previous step left, i.e. once per optimiser step; it starts
    as a copy of the student. During training it runs in train mode, so its
    BatchNorm layers use the statistics of the batch they see and their
    running statistics play no role in the loss. For anyone who evaluates
    or exports the teacher alone (eval mode), ``ema_buffers=True`` (default)
    keeps its running statistics an EMA of the student's, consistent with
    its EMA weights; ``ema_buffers=False`` copies the student's buffers at
    each update (mmengine's default; the teacher's EMA weights then meet
    the student's statistics and the eval-mode teacher is not a usable
    model on its own).

    Args:
        gamma (float): γ in [0, 1]. Defaults to 0.5 (App. A.1).
        momentum (float): EMA weight of the new student weights per step,
            in (0, 1): teacher ← (1 − momentum) teacher + momentum student.
            Defaults to 0.001 (decay 0.999, the mean-teacher value of
            Tarvainen & Valpola, "Mean teachers are better role models",
            NeurIPS 2017, https://arxiv.org/abs/1703.01780; the
            self-distillation paper does not state it). The averaging
            horizon is about 1/momentum steps: 0.001 is ~2.6 epochs of
            CIFAR-100 at batch 128; a short run needs a larger weight (the
            Fashion-MNIST benchmark uses 0.05, ~2 of its epochs).
        ema_buffers (bool): average the BN running statistics like the
            weights (True, default) or copy the student's (False). Does not
            change training (see above).

    Example:
        >>> cfg = dict(type='MixupClassifier', ...,
        ...            mix_policy=[dict(type='MultiMix', prob=0.5),
        ...                        dict(type='Mixup', prob=0.5)],
        ...            modifiers=[dict(type='SelfDistill', gamma=0.5)])
        ... # doctest: +SKIP
    """
    num_views = 2

    def __init__(self, gamma: float = 0.5, momentum: float = 0.001,
                 ema_buffers: bool = True):
        super().__init__()
        if isinstance(gamma, bool) or not isinstance(
                gamma, numbers.Real) or not 0 <= gamma <= 1:
            raise ValueError('SelfDistill: `gamma` must be a number in '
                             f'[0, 1], got {gamma!r}')
        if isinstance(momentum, bool) or not isinstance(
                momentum, numbers.Real) or not 0 < momentum < 1:
            raise ValueError('SelfDistill: `momentum` (EMA weight of the '
                             'student per step) must lie in (0, 1), got '
                             f'{momentum!r}')
        if not isinstance(ema_buffers, bool):
            raise TypeError('SelfDistill: `ema_buffers` must be True or '
                            f'False, got {ema_buffers!r}')
        self.gamma = float(gamma)
        self.momentum = float(momentum)
        self.ema_buffers = ema_buffers
        self.teacher = None

    def attach(self, model: nn.Module) -> None:
        self.teacher = ExponentialMovingAverage(
            model, self.momentum, update_buffers=self.ema_buffers)

    @torch.no_grad()
    def before_step(self, model: nn.Module) -> None:
        if model.training:
            # lookup by name, and buffers in the student's order: the
            # teacher is a copy of the student made before any modifier
            self.teacher.update_parameters(model)

    def extend_losses(self, model: nn.Module, mixup: 'BaseMixup',
                      views: List[Tensor], scores: Tensor, logits: Tensor,
                      batch: MixedBatch, losses: dict) -> dict:
        if len(views) < 2:
            raise ValueError('SelfDistill needs a second view of every image '
                             f'for the teacher: {MULTIVIEW_HINT}')
        with torch.no_grad():
            t_logits, _ = mixup.forward_train(
                model.network_view(self.teacher.module), views[1], scores,
                params=batch.params)
            probs = t_logits.float().softmax(dim=1)
        student = model.network_view(model)
        distill = mixup.loss(student, logits,
                             dataclasses.replace(batch, target=probs))
        losses['loss'] = self.gamma * losses['loss']
        losses['loss_distill'] = (1 - self.gamma) * distill
        return losses

    def extra_repr(self) -> str:
        return (f'gamma={self.gamma}, momentum={self.momentum}, '
                f'ema_buffers={self.ema_buffers}')
