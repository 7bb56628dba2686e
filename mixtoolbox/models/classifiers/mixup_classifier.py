"""An mmpretrain ImageClassifier that owns a mixing policy."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmpretrain.models import ImageClassifier
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.structures import DataSample
from torch import Tensor

from mixtoolbox.registry import MODELS
from .policy import MixPolicy


@MODELS.register_module()
class MixupClassifier(ImageClassifier):
    """Image classifier trained with a per-iteration mixing policy.

    The data flow of one training step (DESIGN.md §3): soft targets are made
    from the data samples, the policy picks one mixup (or none) and the
    mixup's ``forward_train`` produces logits and a
    :class:`~mixtoolbox.structures.MixedBatch`; its ``loss`` gives the
    mixed-sample loss. Input-space mixups mix pixels, model-aware ones call
    :meth:`saliency`, embedding-space ones use :meth:`extract_feat` and the
    head themselves, so new methods are new mixup classes, not new branches.

    Args:
        backbone, neck, head, pretrained, data_preprocessor, init_cfg: as in
            mmpretrain's ``ImageClassifier``. The head's loss must accept soft
            targets (``CrossEntropyLoss(use_soft=True)`` or
            ``use_sigmoid=True``, ``LabelSmoothLoss``, ...).
        mix_policy (list[dict]): mixups with per-iteration probabilities,
            see :class:`MixPolicy`. Empty or None trains without mixing.
        train_cfg (dict, optional): passed to ``ImageClassifier``; its
            ``augments`` still work (they mix in the data preprocessor, before
            this policy), but using both mixes twice, so that is refused.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 mix_policy: Optional[List[dict]] = None,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if head is None:
            raise ValueError('MixupClassifier: `head` is required (the mixed '
                             'loss needs logits and a soft-target loss)')
        super().__init__(backbone=backbone, neck=neck, head=head,
                         pretrained=pretrained, train_cfg=train_cfg,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.policy = MixPolicy(mix_policy)
        if len(self.policy) and train_cfg and train_cfg.get('augments'):
            raise ValueError('MixupClassifier: give mixups either in '
                             '`mix_policy` or in `train_cfg.augments`, not '
                             'both (the batch would be mixed twice)')
        if len(self.policy):
            self._check_soft_loss()

    @property
    def num_classes(self) -> int:
        return self.head.num_classes

    def _check_soft_loss(self) -> None:
        loss = getattr(self.head, 'loss_module', None)
        if loss is None:
            raise ValueError('MixupClassifier: the head has no `loss_module`;'
                             ' use an mmpretrain ClsHead (e.g. '
                             'LinearClsHead)')
        if isinstance(loss, CrossEntropyLoss) and not (loss.use_soft
                                                       or loss.use_sigmoid):
            raise ValueError(
                'MixupClassifier: head.loss is CrossEntropyLoss with hard '
                'labels, but mixups produce soft targets; set '
                "head.loss=dict(type='CrossEntropyLoss', use_soft=True) (or "
                'use_sigmoid=True)')

    # ------------------------------------------------------------ targets
    def soft_targets(self, data_samples: List[DataSample],
                     dtype=torch.float32) -> Tensor:
        """``[N, K]`` targets: ``gt_score`` when every sample has one (e.g.
        mixed in the data preprocessor), else one-hot ``gt_label``."""
        if all('gt_score' in s for s in data_samples):
            return torch.stack([s.gt_score for s in data_samples]).to(dtype)
        labels = torch.cat([s.gt_label for s in data_samples])
        return F.one_hot(labels, self.num_classes).to(dtype)

    def soft_loss(self, logits: Tensor, target: Tensor) -> Tensor:
        """The head's loss on soft targets, averaged over the batch."""
        return self.head.loss_module(logits, target, avg_factor=logits.size(0))

    # ----------------------------------------------------------- training
    def loss(self, inputs: Tensor, data_samples: List[DataSample]) -> dict:
        if not len(self.policy):
            return super().loss(inputs, data_samples)
        mixup = self.policy.choose()
        scores = self.soft_targets(data_samples).to(inputs.device)
        if mixup is None or inputs.size(0) < 2:
            logits = self.head(self.extract_feat(inputs))
            return dict(loss=self.soft_loss(logits, scores))
        logits, batch = mixup.forward_train(self, inputs, scores)
        losses = dict(loss=mixup.loss(self, logits, batch))
        losses.update({k: v for k, v in batch.extras.items()
                       if k.startswith('loss')})
        return losses

    def saliency(self, inputs: Tensor, scores: Tensor) -> Tensor:
        """``[N, H, W]`` saliency √(mean_c (∂L/∂x)²) of the soft loss, from an
        extra forward/backward that leaves the weights' gradients untouched
        (PuzzleMix, Kim et al. 2020 §3; used by model-aware mixups)."""
        x = inputs.detach().requires_grad_(True)
        with torch.enable_grad():
            loss = self.soft_loss(self.head(self.extract_feat(x)), scores)
            grad, = torch.autograd.grad(loss, x)
        return grad.pow(2).mean(dim=1).sqrt()
