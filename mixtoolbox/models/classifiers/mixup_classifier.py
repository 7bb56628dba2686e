"""An mmpretrain ImageClassifier that owns a mixing policy and modifiers.

MultiMix references (Table 9, §3.4) are to Venkataramanan et al., "Teach me
how to Interpolate a Myriad of Embeddings", ICLR 2023 submission,
https://openreview.net/forum?id=iF0B-U0J5fG (also arXiv:2206.14868).
"""
from typing import List, Optional, Union

import torch
import torch.nn.functional as F
from mmpretrain.models import ImageClassifier
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.structures import DataSample
from torch import Tensor, nn

from mixtoolbox.models.heads.dense_head import (
    classify,
    dense_map,
    linear_classifier,
)
from mixtoolbox.models.mixups.base import BaseMixup
from mixtoolbox.models.modifiers.base import BaseModifier
from mixtoolbox.models.utils import MixPolicy
from mixtoolbox.registry import MODELS, BuildsInOwnScope
from mixtoolbox.structures import MixedBatch


class _NoMix(BaseMixup):
    """The unmixed batch, so that modifiers also apply to plain iterations
    (MultiMix, Table 9, distils and densifies the no-mixup baseline too)."""

    def sample_params(self, inputs: Tensor) -> dict:
        return {}

    def mix(self, inputs: Tensor, scores: Tensor) -> MixedBatch:
        return MixedBatch(inputs, scores)


NO_MIX = _NoMix()


@MODELS.register_module()
class MixupClassifier(ImageClassifier, BuildsInOwnScope):
    """Image classifier trained with a per-iteration mixing policy.

    The data flow of one training step: soft targets are made
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
        modifiers (list[dict]): training modifiers applied to whatever the
            policy picks, plain iterations included, in order:
            ``dict(type='DenseLoss')`` (the classifier at every position of
            the last map) and ``dict(type='SelfDistill', gamma=0.5)`` (EMA
            teacher on a second view; the pipeline must give two views, see
            :class:`~mixtoolbox.models.modifiers.SelfDistill`).
        train_cfg (dict, optional): passed to ``ImageClassifier``; its
            ``augments`` still work (they mix in the data preprocessor, before
            this policy), but using both mixes twice, so that is refused.

    Everything in the config is built in the ``mixtoolbox`` scope (then
    mmpretrain's), also when the model is named
    ``type='mixtoolbox.MixupClassifier'`` from mmpretrain's scope.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 mix_policy: Optional[List[dict]] = None,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 modifiers: Optional[List[dict]] = None):
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
        self._build_modifiers(modifiers)

    def _build_modifiers(self, cfgs) -> None:
        if cfgs is None:
            cfgs = []
        if not isinstance(cfgs, (list, tuple)) or not all(
                isinstance(c, (dict, nn.Module)) for c in cfgs):
            raise TypeError('MixupClassifier: `modifiers` must be a list of '
                            "configs such as dict(type='DenseLoss') or "
                            f"dict(type='SelfDistill'), got {cfgs!r}")
        # an empty list first: a modifier that copies the model when attached
        # (the EMA teacher) must not copy the modifiers
        self.modifiers = nn.ModuleList()
        built = [c if isinstance(c, nn.Module) else MODELS.build(c)
                 for c in cfgs]
        for modifier in built:
            if not isinstance(modifier, BaseModifier):
                raise TypeError(
                    f'MixupClassifier: {type(modifier).__name__} is not a '
                    'modifier; use DenseLoss or SelfDistill (subclasses of '
                    'BaseModifier)')
        if built:
            self._check_soft_loss()
        for modifier in built:
            modifier.attach(self)
        self.modifiers.extend(built)

    @property
    def num_classes(self) -> int:
        return self.head.num_classes

    @property
    def classifier(self) -> nn.Linear:
        """g_W: the head's final affine layer (TypeError if it has none)."""
        return linear_classifier(self.head)

    @property
    def loss_weight(self) -> float:
        """The head loss's ``loss_weight`` (1 when it has none)."""
        return float(getattr(getattr(self.head, 'loss_module', None),
                             'loss_weight', 1.0))

    # ---------------------------------------------- embedding / classifier
    def embed(self, inputs: Tensor) -> Tensor:
        """The embedding z = f_θ(x) ``[N, d]`` the classifier g_W sees."""
        return self.extract_feat(inputs, stage='pre_logits')

    def classify(self, z: Tensor) -> Tensor:
        """g_W(z) for ``z [N, d]``, or densely (1×1 conv) for
        ``[N, d, *spatial]``; ``classify(embed(x)) == head(extract_feat(x))``
        for heads whose last layer is affine (LinearClsHead, ViT head)."""
        return classify(self.classifier, z)

    def dense_embed(self, inputs: Tensor,
                    resolution: Optional[int] = None) -> Tensor:
        """The last backbone map ``[N, d, h, w]`` before pooling, average-
        pooled to ``resolution`` when given; ValueError when the backbone
        has no spatial output (Dense MultiMix, MultiMix §3.4)."""
        return dense_map(self, inputs, resolution)

    def network_view(self, net: nn.Module) -> nn.Module:
        """``net`` (this model or its teacher) as the modifiers present it
        to a mixup (e.g. densely under DenseLoss)."""
        for modifier in self.modifiers:
            net = modifier.wrap(net)
        return net

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
                     dtype: torch.dtype = torch.float32) -> Tensor:
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
    def _views(self, inputs: Union[Tensor, List[Tensor]]) -> List[Tensor]:
        views = list(inputs) if isinstance(inputs, (list, tuple)) else [
            inputs]
        needed = max([m.num_views for m in self.modifiers], default=1)
        if len(views) > 1 and needed < 2:
            raise ValueError(
                f'MixupClassifier: got {len(views)} views per image but no '
                "modifier uses more than one; add dict(type='SelfDistill') "
                'to `modifiers` or drop MultiView from the train pipeline')
        return views

    def loss(self, inputs: Union[Tensor, List[Tensor]],
             data_samples: List[DataSample]) -> dict:
        """One training step's losses.

        The policy picks a mixup (or none); the modifiers see every step:
        ``before_step`` → ``mixup.forward_train`` on the wrapped network →
        ``prepare_batch`` → ``mixup.loss`` → ``extend_losses``. ``inputs``
        is a list of views when a modifier needs several (self-distillation);
        view 0 is the student's.
        """
        views = self._views(inputs)
        loss = getattr(self.head, 'loss_module', None)
        # mmpretrain's head would hand hard labels to a soft-target CE
        soft_only = isinstance(loss, CrossEntropyLoss) and loss.use_soft
        if not (len(self.policy) or len(self.modifiers) or soft_only):
            return super().loss(views[0], data_samples)
        x = views[0]
        mixup = self.policy.choose()
        scores = self.soft_targets(data_samples).to(x.device)
        if mixup is None or x.size(0) < 2:
            mixup = NO_MIX
        for modifier in self.modifiers:
            modifier.before_step(self)
        net = self.network_view(self)
        logits, batch = mixup.forward_train(net, x, scores)
        for modifier in self.modifiers:
            batch = modifier.prepare_batch(net, logits, batch, scores)
        losses = dict(loss=mixup.loss(net, logits, batch))
        losses.update({k: v for k, v in batch.extras.items()
                       if k.startswith('loss')})
        for modifier in self.modifiers:
            losses = modifier.extend_losses(self, mixup, views, scores,
                                            logits, batch, losses)
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
