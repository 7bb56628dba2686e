"""MoCo v2 + any mixup of the toolbox, cross-view (SAMix §2.2 eq. (4),
§3.1, App. A.1.3, A.2.1).

S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 (sections and equations numbered as
in that first arXiv version; later versions are revised).
MoCo v2: X. Chen, H. Fan, R. Girshick, K. He, "Improved Baselines with
Momentum Contrastive Learning", arXiv:2003.04297, 2020,
https://arxiv.org/abs/2003.04297.
"""
from typing import List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_world_size
from mmpretrain.models import MoCo
from mmpretrain.structures import DataSample
from torch import Tensor

from mixtoolbox.models.mixups.base import BaseMixup
from mixtoolbox.models.utils import (
    MixPolicy,
    MomentumEncoder,
    check_choice,
    check_int,
    check_real,
    paper_momentum,
)
from mixtoolbox.registry import MODELS, BuildsInOwnScope

from .dist_utils import batch_shuffle, batch_unshuffle
from .utils import QueryEncoder, check_instance_mixup, mixed_nce

VIEWS = ('cross', 'same')
PARTNER_TARGETS = ('other_view', 'pasted_view')


@MODELS.register_module()
class MixMoCo(MoCo, BuildsInOwnScope):
    """MoCo v2 with instance-level mixup, cross-view (SAMix §3.1).

    Each step computes mmpretrain's MoCo loss ℓ^NCE(z_i^{τq}, z_i^{τk}) and,
    when the policy picks a mixup, the mixup infoNCE of eq. (4) on

        x_m = h(x_i^{τq}, x_j^{τk}, λ)      (cross-view, default)

    with positives z_i^{τk} for the λ term and z_j^{τq} for the (1 − λ)
    term: the momentum embeddings of the view of each image that is *not*
    in x_m. Both terms are then cross-view, the point of §3.1 ("degenerated
    mixed samples which contain parts of the same view" make the task
    trivial), and what the authors' code does (its partner positive is the
    other view's momentum embedding). Contrasting with the partner's pasted
    view x_j^{τk} itself (``partner_target='pasted_view'``, a literal
    reading of "z_i, z_j the keys") lets an encoder win by matching pixels:
    on a random-initialised encoder with CutMix λ = 0.5 the partner is
    retrieved far above chance from its pasted view (figures in
    docs/methods/selfsup.md, ``tools/selfsup/partner_shortcut.py``). The
    total is the sum with MoCo's loss (Fig. 3b: the sum beats either term
    alone). The extra momentum pass on x^{τq} runs without gradient and
    is also what :class:`OnlineClusteringHook` reads. ``view='same'``
    mixes two query views, h(x_i^{τq}, x_j^{τq}), against the momentum
    embeddings of those query views (the same-view objective of §3.1, which
    the paper shows degenerates; one extra key-encoder pass).

    The cross-view pair is built without touching the mixups: they mix the
    2N batch ``cat(x^{τq}, x^{τk})`` with the partner index
    ``cat(π + N, π)``, so row i < N pairs x_i^{τq} with x_π(i)^{τk}; only
    those N rows are kept. Any pairwise mixup works unchanged (Mixup, CutMix,
    ResizeMix, FMix, ManifoldMix, ...; embedding-space ones run the
    online encoder on all 2N rows). Mixups with ``needs_labels``
    (:class:`InterIntraMix`) read the pseudo labels that
    :class:`OnlineClusteringHook` attaches to the data samples.

    Args:
        backbone, neck, head: as mmpretrain's ``MoCo`` (MoCo v2: ResNet,
            ``MoCoV2Neck``, ``ContrastiveHead`` with t = 0.2).
        mix_policy (list[dict]): mixups with per-step probabilities, as in
            :class:`MixupClassifier`; empty = plain MoCo v2.
        view (str): ``'cross'`` (default, A.1.3) or ``'same'``.
        partner_target (str): positive of the (1 − λ) term in the cross
            view: ``'other_view'`` (default, z_j^{τq}, see above) or
            ``'pasted_view'`` (z_j^{τk}, the view pasted into x_m; ablation).
        mix_loss_weight (float): weight of eq. (4). Defaults to 1.0 (A.1.3).
        queue_len (int): dictionary length K; 16384 for STL-10 / Tiny,
            65536 for ImageNet (A.1.3). Must be divisible by the global
            batch (checked at the first step).
        feat_dim (int): embedding size. Defaults to 128 (MoCo v2).
        momentum (float): decay m of the key encoder in the paper's
            convention (0.999, MoCo v2); a ``MomentumScheduleHook`` can drive
            it.

    Example:
        >>> from mixtoolbox.utils import register_all_modules
        >>> register_all_modules()
        >>> model = MixMoCo(
        ...     backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=4,
        ...                   stem_channels=4),
        ...     neck=dict(type='MoCoV2Neck', in_channels=32, hid_channels=32,
        ...               out_channels=8),
        ...     head=dict(type='ContrastiveHead', temperature=0.2,
        ...               loss=dict(type='CrossEntropyLoss')),
        ...     mix_policy=[dict(type='Mixup', alpha=1.0)], queue_len=16,
        ...     feat_dim=8)
        >>> model.momentum, model.view
        (0.999, 'cross')
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 mix_policy: Optional[List[dict]] = None, view: str = 'cross',
                 partner_target: str = 'other_view',
                 mix_loss_weight: float = 1.0, queue_len: int = 65536,
                 feat_dim: int = 128, momentum: float = 0.999,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        owner = type(self).__name__
        check_choice(owner, 'view', view, VIEWS)
        check_choice(owner, 'partner_target', partner_target,
                     PARTNER_TARGETS)
        check_int(owner, 'queue_len', queue_len)
        check_int(owner, 'feat_dim', feat_dim)
        mix_loss_weight = check_real(owner, 'mix_loss_weight',
                                     mix_loss_weight, 0)
        # mmengine's EMA refuses the end points; the setter writes the value
        super().__init__(backbone=backbone, neck=neck, head=head,
                         queue_len=queue_len, feat_dim=feat_dim,
                         momentum=0.5, pretrained=pretrained,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        # parameters only, as MoCo's Algorithm 1: the key BN statistics stay
        # the key encoder's own; see docs/transfer.md
        self.encoder_k = MomentumEncoder(self.encoder_k.module, 0.5)
        self.momentum = momentum
        self.policy = MixPolicy(mix_policy)
        for mixup in self.policy.mixups:
            check_instance_mixup(mixup, owner)
        self.view = view
        self.partner_target = partner_target
        self.mix_loss_weight = mix_loss_weight
        self.keep_cluster_feats = False  # set by OnlineClusteringHook
        self.cluster_feats = None
        self.cluster_weights = None  # class weights from the hook

    momentum = paper_momentum(
        'encoder_k', 'm of θ_k ← m θ_k + (1 − m) θ_q (paper / MoCo '
        'convention).')

    # ---------------------------------------------------------- encoders
    def embed(self, x: Tensor) -> Tensor:
        """Normalised query embedding g_ω(f_θ(x))."""
        return F.normalize(self.neck(self.backbone(x))[0], dim=1)

    @torch.no_grad()
    def keys(self, x: Tensor) -> Tensor:
        """Normalised momentum keys, batch-shuffled across processes for
        BatchNorm (MoCo)."""
        x, undo = batch_shuffle(x)
        k = F.normalize(self.encoder_k(x)[0], dim=1)
        return batch_unshuffle(k, undo)

    cluster_features = keys  # what OnlineClusteringHook clusters

    @torch.no_grad()
    def momentum_update(self) -> None:
        self.encoder_k.update_parameters(nn.Sequential(self.backbone,
                                                       self.neck))

    # ------------------------------------------------------------ inputs
    def split_views(self, inputs: List[Tensor]) -> Tuple[Tensor, Tensor]:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                f'{type(self).__name__}: needs two views per image (query, '
                "key); put dict(type='MultiView', num_views=2, ...) in the "
                'train pipeline')
        x_q, x_k = inputs[0], inputs[1]
        global_batch = x_q.size(0) * get_world_size()
        if self.queue_len % global_batch:
            raise ValueError(
                f'{type(self).__name__}: `queue_len` ({self.queue_len}) must '
                f'be divisible by the global batch size ({global_batch} = '
                f'{x_q.size(0)} per process x {get_world_size()} processes);'
                ' change one of them (and use drop_last=True)')
        return x_q, x_k

    def pseudo_labels(self, data_samples: List[DataSample],
                      device: Union[str, torch.device],
                      needed_by: Optional[str] = None) -> Optional[Tensor]:
        """``[N]`` pseudo labels attached by :class:`OnlineClusteringHook`;
        a ValueError naming ``needed_by`` when they are missing."""
        if data_samples and all('pseudo_label' in s for s in data_samples):
            return torch.stack([s.pseudo_label.reshape(())
                                for s in data_samples]).long().to(device)
        if needed_by is not None:
            raise ValueError(
                f'{needed_by} needs pseudo labels, but the data samples have '
                "none: add dict(type='OnlineClusteringHook', num_clusters=C) "
                'to custom_hooks (it clusters the momentum features and '
                'attaches the labels)')
        return None

    # ---------------------------------------------------------- training
    def mixed_embedding(self, mixup: BaseMixup, x_q: Tensor, x_k: Tensor,
                        labels: Optional[Tensor]
                        ) -> Tuple[Tensor, Tensor, Tensor]:
        """(z_m ``[N, d]``, λ ``[N]``, partner index ``[N]``) of one mixup
        step in the configured view."""
        n = x_q.size(0)
        perm = mixup.sample_index(x_q)
        if self.view == 'cross':
            x = torch.cat([x_q, x_k])
            index = torch.cat([perm + n, perm])
        else:
            # in-place mixups (CutMix) must not touch the query batch that
            # the MoCo term already used
            x, index = x_q.clone(), perm
        if labels is None:
            scores = x.new_ones(x.size(0), 1)
        else:
            scores = F.one_hot(labels, int(labels.max()) + 1).to(x.dtype)
            scores = scores.repeat(x.size(0) // n, 1)
        params = dict(mixup.sample_params(x), index=index)
        if mixup.space == 'feature':
            z_m, batch = mixup.forward_train(QueryEncoder(self), x, scores,
                                             params)
        else:
            batch = mixup.mix(x, scores, **params)
            z_m = self.embed(batch.inputs[:n])
        lam = batch.lam[:n].to(x.dtype)
        return z_m[:n], lam, batch.index[:n] % n

    def loss(self, inputs: List[Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        x_q, x_k = self.split_views(inputs)
        q = self.embed(x_q)
        self.momentum_update()
        k = self.keys(x_k)
        queue = self.queue.clone().detach()
        losses = dict(loss=self.head.loss((q * k).sum(1, keepdim=True),
                                          q @ queue))
        mixup = self.policy.choose()
        # momentum embedding of the query views: the partner's positive
        # (cross view), both positives (same view), the clustering hook's
        k_q = None
        if self.keep_cluster_feats or (mixup is not None and (
                self.view == 'same' or self.partner_target == 'other_view')):
            k_q = self.keys(x_q)
        if mixup is not None and x_q.size(0) > 1:
            labels = self.pseudo_labels(
                data_samples, x_q.device,
                mixup.name if mixup.needs_labels else None)
            z_m, lam, index = self.mixed_embedding(mixup, x_q, x_k, labels)
            own, partner = self.mix_targets(k, k_q)
            losses['loss_mix'] = self.mix_loss_weight * mixed_nce(
                z_m, own, queue, self.head.temperature, lam, index,
                partner_keys=partner)
        self.finish_step(k, k_q)
        return losses

    def mix_targets(self, k: Tensor,
                    k_q: Optional[Tensor]) -> Tuple[Tensor, Tensor]:
        """Positives of the λ and the (1 − λ) term of eq. (4): ``(own,
        partner)``, each ``[N, d]`` and indexed by image."""
        if self.view == 'same':
            return k_q, k_q
        return k, (k_q if self.partner_target == 'other_view' else k)

    def finish_step(self, k: Tensor, k_q: Optional[Tensor] = None) -> None:
        """Hand the clustering features to the hook and enqueue the keys.

        The hook gets the mean of both views' momentum embeddings
        (re-normalised) when ``k_q`` is given: closer to the embedding of the
        clean image than either augmented view."""
        if self.keep_cluster_feats:
            feats = k if k_q is None else F.normalize(k + k_q, dim=1)
            self.cluster_feats = feats.detach()
        self._dequeue_and_enqueue(k)
