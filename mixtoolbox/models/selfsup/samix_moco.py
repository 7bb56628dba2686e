"""SAMix-I and SAMix-C: the learnable Mixer in MoCo v2, cross-view.

S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 — §3.2, App. A.1.3, eqs. (4),
(8)-(12), numbered as in that first arXiv version (later versions are
revised).
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.structures import DataSample
from torch import Tensor
from torch.func import functional_call

from mixtoolbox.models.mixers.step import MixerStep
from mixtoolbox.models.utils import check_choice, check_int, stage_output
from mixtoolbox.registry import MODELS

from .dist_utils import batch_shuffle, batch_unshuffle
from .mix_moco import MixMoCo
from .utils import mixed_nce

TARGETS = ('instance', 'cluster')


@MODELS.register_module()
class SAMixMoCo(MixerStep, MixMoCo):
    """MoCo v2 whose mixed samples come from the SAMix Mixer (SAMix-I/-C).

    Each step, as the supervised momentum pipeline (A.1.2, eqs. 10-12) on
    MoCo's two encoders: the key (momentum) encoder gives the keys and the
    layer-l maps of both views; the Mixer makes two masks for cross-view
    pairs (x_i^{τq}, x_π(i)^{τk}) with independent λ ~ Beta(α, α) and π:

    * the Mixer's batch x_m = s ⊙ x_i^{τq} + (1 − s) ⊙ x_π(i)^{τk} runs
      through the *frozen* key encoder (batch-shuffled with gradients, so
      BatchNorm sees a cross-process shuffle and the Mixer still gets its
      gradient) and gives L_φ^cls (eq. 11) plus the mask loss:
      ``target='instance'`` (SAMix-I): the η-balanced infoNCE (eq. 8) on the
      logits [z_m·z_i^{τk}, z_m·z_π(i)^{τq}, z_m·queue]/t with targets
      [λ, 1−λ, 0…] (the positives are the momentum embeddings of the views
      *not* in x_m, as in :class:`MixMoCo`; ``partner_target='pasted_view'``
      uses z_π(i)^{τk}), so
      ℓ_+ is the BCE of eq. (7) between the two instances and ℓ_− the mass
      on the queue; ``target='cluster'`` (SAMix-C): the η-balanced mixup CE
      (eq. 3) of the cluster head g_ψ on the mixed pseudo labels λ c_i +
      (1 − λ) c_π(i), g_ψ's weights held fixed in that term;
    * g_ψ (SAMix-C) learns to predict the pseudo labels from the clean keys
      (``loss_cluster``), "feature vectors from the momentum encoder" (A.1.3),
      so it never touches the online network; the CE uses the hook's class
      weights (ODC's re-weighting, ``cluster_weights``);
    * the online batch uses a detached mask (λ adjusting with probability
      ``lam_adjust``, plain mixup within ``lam_margin`` of 0 / 1) and the
      infoNCE of eq. (4) against the same positives, added to MoCo's own
      loss.

    The momentum pass on x^{τq} that gives the Mixer its maps is run to the
    end, so z^{τq} costs no extra pass.

    Args:
        backbone, neck, head, queue_len, feat_dim, momentum,
            mix_loss_weight, partner_target: as :class:`MixMoCo`. The
            backbone must list its stages in ``res_layers``.
        mixer (dict): e.g. ``dict(type='SAMixMixer', in_channels=256)``.
        target (str): ``'instance'`` (SAMix-I, default) or ``'cluster'``
            (SAMix-C; needs :class:`OnlineClusteringHook`).
        num_clusters (int): C of g_ψ for SAMix-C. Defaults to 200 (§4.3).
        alpha (float): λ ~ Beta(α, α). Defaults to 2.0 (§4, A.1.2).
        mask_layer (int): l. Defaults to 3 (§4).
        mixer_loss (dict): L_φ^cls. Defaults to ``EtaBalancedLoss`` with
            η = 0.5, the value for all SSL tasks (A.1.3, A.2).
        lam_margin (float): defaults to 0.08, lam_adjust (float): defaults
            to 0.25 — the values of :class:`AutoMixClassifier`.

    Example:
        >>> from mixtoolbox.utils import register_all_modules
        >>> register_all_modules()
        >>> model = SAMixMoCo(
        ...     backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=4,
        ...                   stem_channels=4),
        ...     neck=dict(type='MoCoV2Neck', in_channels=32, hid_channels=32,
        ...               out_channels=8),
        ...     head=dict(type='ContrastiveHead', temperature=0.2,
        ...               loss=dict(type='CrossEntropyLoss')),
        ...     mixer=dict(type='SAMixMixer', in_channels=16),
        ...     target='cluster', num_clusters=10, queue_len=16, feat_dim=8)
        >>> model.cluster_head
        Linear(in_features=8, out_features=10, bias=True)
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, mixer: dict,
                 target: str = 'instance', num_clusters: int = 200,
                 alpha: float = 2.0, mask_layer: int = 3,
                 mixer_loss: dict = dict(type='EtaBalancedLoss', eta=0.5),
                 lam_margin: float = 0.08, lam_adjust: float = 0.25,
                 mix_loss_weight: float = 1.0, queue_len: int = 65536,
                 feat_dim: int = 128, momentum: float = 0.999,
                 partner_target: str = 'other_view',
                 mix_policy: Optional[List[dict]] = None,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        owner = 'SAMixMoCo'
        self.refuse_mix_policy(owner, mix_policy)
        check_choice(owner, 'target', target, TARGETS)
        check_int(owner, 'num_clusters', num_clusters, 2)
        super().__init__(backbone=backbone, neck=neck, head=head,
                         mix_loss_weight=mix_loss_weight,
                         partner_target=partner_target,
                         queue_len=queue_len, feat_dim=feat_dim,
                         momentum=momentum, pretrained=pretrained,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.init_mixer_step(owner, mixer, mixer_loss, alpha, mask_layer,
                             lam_margin, lam_adjust)
        self.target = target
        self.num_clusters = num_clusters
        self.cluster_head = (nn.Linear(feat_dim, num_clusters)
                             if target == 'cluster' else None)

    @torch.no_grad()
    def keys_and_maps(self, x_q: Tensor,
                      x_k: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """Momentum embeddings of both views, ``(k, k_q, maps)``: k of
        ``x_k`` (MoCo's keys), k_q of ``x_q`` (the partner's positive, see
        :class:`MixMoCo`) and the layer-l maps of both views as one 2N batch
        (one key-encoder pass per view, each batch-shuffled for BN)."""
        backbone, neck = self.encoder_k.module
        embeds, maps = [], []
        for x in (x_k, x_q):
            shuffled, undo = batch_shuffle(x)
            feats, stage = stage_output(backbone, self.mask_stage, shuffled,
                                        stop=False)
            embeds.append(batch_unshuffle(F.normalize(neck(feats)[0], dim=1),
                                          undo))
            maps.append(batch_unshuffle(stage, undo))
        return embeds[0], embeds[1], torch.cat([maps[1], maps[0]])

    def cross_mask(self, maps: Tensor, lam: float, perm: Tensor,
                   size: Sequence[int]) -> Tensor:
        """Mixer mask for the pairs (x_i^{τq}, x_π(i)^{τk}): the maps of both
        views are one 2N batch with partners ``cat(π + N, π)``."""
        n = perm.numel()
        return self.mixer(maps, lam, torch.cat([perm + n, perm]), size)[:n]

    def _mix(self, x_q: Tensor, x_k: Tensor, mask: Tensor,
             perm: Tensor) -> Tensor:
        """Cross-view pairs s ⊙ x_i^{τq} + (1 − s) ⊙ x_π(i)^{τk}."""
        return self.blend(x_q, x_k, mask, perm)

    def mixer_cls_loss(self, x_m: Tensor, k: Tensor, partner: Tensor,
                       queue: Tensor, lam: float, perm: Tensor,
                       labels: Optional[Tensor]) -> Tensor:
        """L_φ^cls on the Mixer's batch through the frozen key encoder;
        ``k`` / ``partner`` are the positives of sample i / of its partner
        (indexed by image, see :meth:`MixMoCo.mix_targets`)."""
        shuffled, undo = batch_shuffle(x_m, keep_grad=True)
        z = batch_unshuffle(self.encoder_k(shuffled)[0], undo, keep_grad=True)
        z = F.normalize(z.float(), dim=1)
        if self.target == 'instance':
            logits = torch.cat([(z * k).sum(1, keepdim=True),
                                (z * partner[perm]).sum(1, keepdim=True),
                                z @ queue.float()], 1) / self.head.temperature
            target = torch.zeros_like(logits)
            target[:, 0], target[:, 1] = lam, 1 - lam
        else:
            frozen = {name: p.detach()
                      for name, p in self.cluster_head.named_parameters()}
            logits = functional_call(self.cluster_head, frozen, (z, ))
            onehot = F.one_hot(labels, self.num_clusters).float()
            target = onehot[perm].lerp(onehot, lam)
        return self.mixer_loss(logits, target)

    def loss(self, inputs: List[Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        x_q, x_k = self.split_views(inputs)
        n, size = x_q.size(0), x_q.shape[-2:]
        q = self.embed(x_q)
        self.momentum_update()
        k, k_q, maps = self.keys_and_maps(x_q, x_k)
        own, partner = self.mix_targets(k, k_q)
        queue = self.queue.clone().detach()
        losses = dict(loss=self.head.loss((q * k).sum(1, keepdim=True),
                                          q @ queue))
        labels = self.pseudo_labels(
            data_samples, x_q.device,
            'SAMix-C (target="cluster")' if self.target == 'cluster' else None)
        if labels is not None and self.target == 'cluster':
            if int(labels.max()) >= self.num_clusters:
                raise ValueError(f'SAMixMoCo: pseudo label {int(labels.max())}'
                                 f' >= num_clusters ({self.num_clusters}); '
                                 'give the hook the same num_clusters')
            weight = self.cluster_weights
            losses['loss_cluster'] = F.cross_entropy(
                self.cluster_head(k.float()), labels,
                weight=None if weight is None else weight.to(k.device))
        if n > 1:
            p = self.sample_params(x_q)
            mask_k = self.cross_mask(maps, p['lam_k'], p['index_k'], size)
            x_m = self._mix(x_q, x_k, mask_k, p['index_k'])
            losses['loss_mixer'] = self.mixer_cls_loss(
                x_m, own, partner, queue, p['lam_k'], p['index_k'], labels)
            losses['loss_mask'] = self.mixer.mask_loss(mask_k, p['lam_k'])
            if self.keep_last_mix:
                # instance-level target: λ on i, 1 − λ on its partner
                eye = torch.eye(n, device=x_m.device)
                self.remember_mix(
                    x_m, eye[p['index_k']].lerp(eye, p['lam_k']),
                    x_m.new_full((n, ), p['lam_k']), p['index_k'] + n, mask_k,
                    torch.cat([x_q, x_k]))
            lam_q, perm_q = p['lam_q'], p['index_q']
            mask_q = self.online_mask(
                x_q, lam_q, p['adjust'],
                lambda: self.cross_mask(maps, lam_q, perm_q, size))
            z_m = self.embed(self._mix(x_q, x_k, mask_q, perm_q))
            losses['loss_mix'] = self.mix_loss_weight * mixed_nce(
                z_m, own, queue, self.head.temperature, lam_q, perm_q,
                partner_keys=partner)
        self.finish_step(k, k_q)
        return losses
