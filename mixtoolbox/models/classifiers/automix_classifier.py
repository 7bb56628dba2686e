"""AutoMix / SAMix momentum pipeline for classification.

AutoMix: Z. Liu, S. Li, D. Wu, Z. Liu, Z. Chen, L. Wu, S. Z. Li, "AutoMix:
Unveiling the Power of Mixup for Stronger Classifiers", ECCV 2022,
https://arxiv.org/abs/2103.13027. SAMix: S. Li, Z. Liu, D. Wu, Z. Liu,
S. Z. Li, "Boosting Discriminative Visual Representation Learning with
Scenario-Agnostic Mixup", arXiv:2111.15454v1, 2021,
https://arxiv.org/abs/2111.15454v1 — App. A.1.2 and eqs. (5), (10)-(12),
numbered as in that first arXiv version (later versions are revised).
"""
from typing import Iterable, List, Optional

import torch
import torch.nn as nn
from mmpretrain.structures import DataSample
from torch import Tensor

from mixtoolbox.models.losses import EtaBalancedLoss  # noqa: F401 (registers)
from mixtoolbox.models.mixers.step import MixerStep
from mixtoolbox.models.utils import (
    MomentumEncoder,
    check_bool,
    check_real,
    paper_momentum,
    stage_output,
)
from mixtoolbox.registry import MODELS
from mixtoolbox.structures import MixedBatch

from .mixup_classifier import MixupClassifier


def early_grad(loss: Tensor, params: Iterable[nn.Parameter]) -> Tensor:
    """``loss`` with its parameter gradients computed now.

    The returned tensor has the value of ``loss`` and, when the step's total
    loss is back-propagated, hands ``params`` exactly the gradients they
    would have received from ``loss`` (through Σ_p ⟨p, g_p⟩ with g detached),
    but the graph behind ``loss`` is freed here instead of living until the
    single backward at the end of the step. Only one backward still runs
    over the parameters, so optimiser wrappers (loss scaling, accumulation,
    clipping) and DDP's gradient hooks see an ordinary step.
    """
    params = [p for p in params if p.requires_grad]
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    terms = [(p * g).sum() for p, g in zip(params, grads) if g is not None]
    if not terms:
        return loss.detach()
    surrogate = torch.stack(terms).sum()
    return loss.detach() + (surrogate - surrogate.detach())


def _fp16_autocast(device: torch.device) -> bool:
    return (torch.is_autocast_enabled(device.type)
            and torch.get_autocast_dtype(device.type) == torch.float16)


@MODELS.register_module()
class AutoMixClassifier(MixerStep, MixupClassifier):
    """Online network (θ, ω) + momentum network (θ_k, ω_k) + learnable Mixer.

    Each training step (SAMix App. A.1.2): (0) the momentum network moves
    towards the online one, θ_k ← m θ_k + (1 − m) θ_q (eq. 12, done at the
    start of the step, i.e. right after the previous optimiser step); (1) it
    gives the layer-l feature maps z^l of the clean batch; (2) the Mixer
    makes two masks from them with independent λ and partners: one for the
    Mixer (its loss L_φ = L_φ^cls + L_φ^mask flows through the frozen
    momentum network, eq. 11) and one, detached, for the online network
    (mixup CE plus, as in the published recipe, clean CE; eq. 10). All losses
    are summed (eq. 5); their parameters are disjoint, so each part only
    trains its own module.

    Args:
        backbone, neck, head, pretrained, train_cfg, data_preprocessor,
            init_cfg: as in :class:`MixupClassifier`. The backbone must list
            its stages in ``res_layers`` (mmpretrain ResNet / ResNet_CIFAR,
            PreActResNet, WideResNet).
        mixer (dict): the Mixer config, e.g. ``dict(type='SAMixMixer',
            in_channels=256)``.
        alpha (float): λ ~ Beta(α, α). Defaults to 2.0 (SAMix §4, A.1.2).
        mask_layer (int): l, the 1-based stage whose output feeds the Mixer.
            Defaults to 3 (§4, A.1.2).
        momentum (float): the decay m of eq. (12) in the paper's convention.
            Defaults to 0.999 (§4.1); a ``MomentumScheduleHook`` raises it to
            1 on a cosine curve.
        mixer_loss (dict): L_φ^cls. Defaults to ``EtaBalancedLoss`` with
            η = 0.5 (small datasets, A.1.2); η = 1 is AutoMix's mixup CE.
        clean_loss_weight (float): weight of the online network's CE on the
            clean batch (published recipe: 1.0, default); 0 skips it.
        lam_margin (float): for λ ≤ margin or 1 − λ ≤ margin the online batch
            uses plain mixup (constant mask). Defaults to 0.08 (published
            AutoMix/SAMix configs).
        lam_adjust (float): probability of λ-adjusting the online mask
            (§3.3). Defaults to 0.25 (the published code's CIFAR value).
        early_grads (bool): compute the gradients of the Mixer's losses and
            of the clean CE as soon as each loss exists (:func:`early_grad`),
            so that the momentum network's and the clean pass's graphs are
            freed before the next pass; the gradients are the same, the
            peak memory of a step drops to about one pass's activations.
            Not applied under float16 autocast, where unscaled gradients
            could underflow before the optimiser wrapper's loss scaling.
            Defaults to True.
        mix_policy: must be empty; this classifier mixes with its Mixer.

    The Mixer's settings, randomness and online mask are those of
    :class:`~mixtoolbox.models.mixers.MixerStep`, shared with
    :class:`~mixtoolbox.models.selfsup.SAMixMoCo`.

    Example:
        >>> from mixtoolbox.utils import register_all_modules
        >>> register_all_modules()  # configs' types resolve in our scope
        >>> model = AutoMixClassifier(
        ...     backbone=dict(type='PreActResNet', base_channels=8),
        ...     neck=dict(type='GlobalAveragePooling'),
        ...     head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
        ...               loss=dict(type='CrossEntropyLoss', use_soft=True)),
        ...     mixer=dict(type='SAMixMixer', in_channels=32))
        >>> model.momentum, round(model.momentum_net.momentum, 6)
        (0.999, 0.001)
    """

    def __init__(self, backbone: dict, mixer: dict,
                 neck: Optional[dict] = None, head: Optional[dict] = None,
                 alpha: float = 2.0, mask_layer: int = 3,
                 momentum: float = 0.999,
                 mixer_loss: dict = dict(type='EtaBalancedLoss', eta=0.5),
                 clean_loss_weight: float = 1.0, lam_margin: float = 0.08,
                 lam_adjust: float = 0.25, early_grads: bool = True,
                 mix_policy: Optional[List[dict]] = None,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        owner = 'AutoMixClassifier'
        self.refuse_mix_policy(owner, mix_policy)
        super().__init__(backbone=backbone, neck=neck, head=head,
                         pretrained=pretrained, train_cfg=train_cfg,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self._check_soft_loss()
        self.clean_loss_weight = check_real(owner, 'clean_loss_weight',
                                            clean_loss_weight, 0)
        self.early_grads = check_bool(owner, 'early_grads', early_grads)
        self.init_mixer_step(owner, mixer, mixer_loss, alpha, mask_layer,
                             lam_margin, lam_adjust)
        # mmengine's constructor refuses the end points m = 0 and 1; the
        # `momentum` setter below writes the real value right away.
        # parameters only: the momentum net keeps its own BN statistics (its
        # train-mode passes update them), as in the authors' OpenMixup code
        self.momentum_net = MomentumEncoder(self._online(), 0.5)
        self.momentum = momentum

    momentum = paper_momentum(
        'momentum_net', 'm of eq. (12), paper convention (weight of the old '
        'average).')

    def _online(self) -> nn.ModuleDict:
        parts = dict(backbone=self.backbone)
        if self.with_neck:
            parts['neck'] = self.neck
        parts['head'] = self.head
        return nn.ModuleDict(parts)

    @torch.no_grad()
    def momentum_update(self) -> None:
        """θ_k ← m θ_k + (1 − m) θ_q; the first call copies θ_q."""
        self.momentum_net.update_parameters(self._online())

    @torch.no_grad()
    def momentum_features(self, inputs: Tensor) -> Tensor:
        """z^l of the clean batch from the momentum backbone (the stages
        after l are not run)."""
        return stage_output(self.momentum_net.module.backbone,
                            self.mask_stage, inputs)

    def momentum_logits(self, inputs: Tensor) -> Tensor:
        net = self.momentum_net.module
        feats = net.backbone(inputs)
        if 'neck' in net:
            feats = net.neck(feats)
        return net.head(feats)

    def _mix(self, inputs: Tensor, scores: Tensor, mask: Tensor, lam: float,
             index: Tensor) -> MixedBatch:
        target = scores[index].lerp(scores, lam)
        return MixedBatch(self.blend(inputs, inputs, mask, index), target,
                          index=index, mask=mask,
                          lam=torch.full((inputs.size(0), ), lam,
                                         device=inputs.device))

    def online_batch(self, inputs: Tensor, scores: Tensor, feats: Tensor,
                     lam: float, index: Tensor,
                     adjust: bool = False) -> MixedBatch:
        """The online network's batch: detached mask, λ adjusting, and
        plain mixup when λ is within ``lam_margin`` of 0 or 1."""
        mask = self.online_mask(
            inputs, lam, adjust,
            lambda: self.mixer(feats, lam, index, inputs.shape[-2:]))
        return self._mix(inputs, scores, mask, lam, index)

    def mix_losses(self, inputs: Tensor, scores: Tensor, params: dict) -> dict:
        """All losses of one step for explicit randomness ``params``."""
        feats = self.momentum_features(inputs)
        lam_k, index_k = params['lam_k'], params['index_k']
        mask_k = self.mixer(feats, lam_k, index_k, inputs.shape[-2:])
        mixer_batch = self._mix(inputs, scores, mask_k, lam_k, index_k)
        losses = dict(
            loss_mixer=self.mixer_loss(self.momentum_logits(
                mixer_batch.inputs), mixer_batch.target),
            loss_mask=self.mixer.mask_loss(mask_k, lam_k))
        early = self.early_grads and torch.is_grad_enabled() \
            and not _fp16_autocast(inputs.device)
        if early:
            # the two Mixer losses share the mask's graph: one call frees it
            mixer_total = early_grad(
                losses['loss_mixer'] + losses['loss_mask'],
                self.mixer.parameters())
            losses['loss_mixer'] = mixer_total - losses['loss_mask'].detach()
            losses['loss_mask'] = losses['loss_mask'].detach()
        if self.keep_last_mix:
            self.remember_mix(mixer_batch.inputs, mixer_batch.target,
                              mixer_batch.lam, index_k, mask_k, inputs)
        online = self.online_batch(inputs, scores, feats, params['lam_q'],
                                   params['index_q'], params['adjust'])
        if self.clean_loss_weight > 0:
            clean = self.head(self.extract_feat(inputs))
            losses['loss_clean'] = (self.clean_loss_weight *
                                    self.soft_loss(clean, scores))
            if early:
                losses['loss_clean'] = early_grad(
                    losses['loss_clean'], self._online().parameters())
        logits = self.head(self.extract_feat(online.inputs))
        losses['loss_mix'] = self.soft_loss(logits, online.target)
        return losses

    def loss(self, inputs: Tensor, data_samples: List[DataSample]) -> dict:
        scores = self.soft_targets(data_samples).to(inputs.device)
        self.momentum_update()
        if inputs.size(0) < 2:  # nobody to mix with
            logits = self.head(self.extract_feat(inputs))
            return dict(loss=self.soft_loss(logits, scores))
        return self.mix_losses(inputs, scores, self.sample_params(inputs))
