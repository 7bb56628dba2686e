"""Dense MultiMix (§3.3): S. Venkataramanan, E. Kijak, L. Amsaleg and Y.
Avrithis, "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and
Beyond Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538 (equation,
section, table and figure numbers of this version; the preprint "Teach me
how to Interpolate a Myriad of Embeddings",
https://arxiv.org/abs/2206.14868, adds self-distillation as eq. (9), so its
Dense MultiMix eqs. are one higher)."""
from typing import Optional, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.utils import stage_output_replaced
from mixtoolbox.models.utils.validators import check_choice, check_optional_int
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import FeatureMixup, check_layer, check_layer_option
from .functional import (
    ATTENTIONS,
    NONLINEARITIES,
    attention,
    dense_multimix,
    dense_weighted_ce,
    sample_dirichlet,
)
from .multimix import check_alpha_range, check_n


@BATCH_AUGMENTS.register_module()
class DenseMultiMix(FeatureMixup):
    """MultiMix at every spatial position of the last feature map.

    The encoder keeps its r = h·w positions (no pooling). Attention
    a = h(zᵀu) (eq. 9), one Λ^j ~ Dir per position j, M^j = diag(a^j)Λ^j
    (10), M̂^j its column-normalised version (11), Z̃^j = Z^j M̂^j (12),
    Ỹ^j = Y M̂^j (13); the classifier runs densely as a 1×1 convolution and
    the loss is the weighted cross-entropy of eq. (14) with s = 1ᵀM^j,
    averaged over positions.

    As for MultiMix, g_W(Z^j M̂^j) = g_W(Z^j) M̂^j (affine classifier,
    columns of M̂^j sum to 1), so the m·r logits are interpolated rather
    than the embeddings (m·r·d·c + n·m·r·c instead of n·m·r·d + n·r·d·c
    multiply-adds, exactly the same logits); ``MixedBatch.inputs`` holds the
    mixed logits ``[n, c, r]``, ``target`` is Ỹ ``[n, c, r]`` and
    ``extras['weight']`` is s ``[n, r]``.

    Readings where the paper is silent: attention is a sampling weight like
    Λ and gets no gradient; under self-distillation the teacher reuses Λ
    but computes its own attention from its own view, and both loss terms
    use the student's weights s.

    Args:
        n (int): interpolated examples per position. Defaults to 1000
            (App. A.1).
        alpha (float | tuple): Dirichlet α_k ~ U[low, high] per vector.
            Defaults to (0.5, 2.0) (App. A.1).
        attention (str): u = 'gap' (z1_r/r, default, App. A.1), 'cam'
            (u = W y, W the classifier's weights) or 'uniform' (a = 1_r/r).
            Table 14 compares them (Table 10 of the preprint).
        nonlinearity (str): h = 'l1_relu' (default) or 'softmax'.
        resolution (int, optional): average-pool the map to this side length
            (1 or 2 on CIFAR; App. A.5); None keeps the backbone's (4×4 for
            PreActResNet-18 on 32×32, 8×8 with ``last_stride=1``, 7×7 for
            ResNet-50 at 224).
        layer (str | int): where to mix: 'last' (default, App. A.1: the
            last feature map) or a stage index k ≥ 0 (0 = the input
            pixels, k = after stage k), the dense variants at earlier
            layers of the ablation over the layer (Fig. 4(a); Fig. 3(a) of
            the preprint). At layer k the map after stage k is mixed
            position by position (Λ ``[H·W, m, n]``, attention from that
            map; memory H·W·m·n), the rest of the network runs densely on
            the n mixed maps, and Ỹ and s are average-pooled to the last
            map's positions (Ỹ weighted by s) for the loss of eq. (14) —
            a reading: the paper does not say how the targets of an
            earlier layer meet the last map. ``attention='cam'`` needs the
            last layer (u = W y lives in the classifier's input space).

    Example:
        >>> import torch
        >>> z, y = torch.rand(3, 4, 2, 2), torch.eye(3)
        >>> lam = torch.full((4, 3, 5), 1 / 3)
        >>> out = DenseMultiMix(n=5, attention='uniform').mix(z, y, lam=lam)
        >>> out.inputs.shape, out.target.shape, out.extras['weight'].shape
        (torch.Size([5, 4, 4]), torch.Size([5, 3, 4]), torch.Size([5, 4]))
    """

    def __init__(self, n: int = 1000, alpha=(0.5, 2.0),
                 attention: str = 'gap', nonlinearity: str = 'l1_relu',
                 resolution: Optional[int] = None,
                 layer: Union[str, int] = 'last'):
        self.n = check_n(n, 'DenseMultiMix')
        self.alpha = check_alpha_range(alpha, 'DenseMultiMix')
        self.attention = check_choice('DenseMultiMix', 'attention', attention,
                                      ATTENTIONS)
        self.nonlinearity = check_choice('DenseMultiMix', 'nonlinearity',
                                         nonlinearity, NONLINEARITIES)
        self.resolution = check_optional_int('DenseMultiMix', 'resolution',
                                             resolution)
        self.layer = check_layer_option(layer, 'DenseMultiMix')
        if self.layer != 'last' and self.attention == 'cam':
            raise ValueError("DenseMultiMix: attention='cam' needs "
                             "layer='last' (u = W y lives in the "
                             f"classifier's input space), got layer={layer}")

    def sample_params(self, inputs: Tensor) -> dict:
        """Λ ``[r, m, n]`` for ``inputs`` = the feature map ``[m, d, h, w]``
        (or ``[m, d, r]``) that will be mixed."""
        r = inputs[0, 0].numel()
        return dict(lam=sample_dirichlet(inputs.size(0), self.n, self.alpha,
                                         lead=(r, ), device=inputs.device))

    def attention_map(self, z: Tensor, scores: Tensor,
                      weight: Optional[Tensor] = None) -> Tensor:
        """a ``[m, r]`` for embeddings ``z [m, d, r]`` (eq. 10), no grad."""
        z = z.detach()
        if self.attention == 'uniform':
            return z.new_full((z.size(0), z.size(2)), 1.0 / z.size(2))
        if self.attention == 'gap':
            u = z.mean(dim=2)
        else:
            if weight is None:
                raise ValueError("DenseMultiMix: attention='cam' needs the "
                                 'classifier weights (u = W y)')
            u = scores.to(weight.dtype) @ weight.detach()
        return attention(z, u.to(z.dtype), self.nonlinearity)

    def mix(self, inputs: Tensor, scores: Tensor, lam: Tensor,
            attn: Optional[Tensor] = None) -> MixedBatch:
        """Mix ``inputs [m, d, r]`` (or ``[m, d, h, w]``) with Λ and the
        attention ``attn [m, r]`` (computed from ``inputs`` when omitted)."""
        z = inputs.flatten(2)
        if lam.dim() != 3 or lam.shape[:2] != (z.size(2), z.size(0)):
            raise ValueError(f'DenseMultiMix: `lam` must be [r, m, n] = '
                             f'[{z.size(2)}, {z.size(0)}, n], got '
                             f'{tuple(lam.shape)}')
        if attn is None:
            attn = self.attention_map(z, scores)
        mixed, target, weight = dense_multimix(z, scores, lam, attn)
        return MixedBatch(mixed, target, params=dict(lam=lam),
                          extras=dict(weight=weight, attention=attn))

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if self.layer != 'last':
            return self._forward_at_layer(model, inputs, scores, params)
        z = model.dense_embed(inputs, self.resolution).flatten(2)
        if params is None:
            params = self.sample_params(z)
        weight = model.classifier.weight if self.attention == 'cam' else None
        attn = self.attention_map(z, scores, weight)
        logits = model.classify(z)
        batch = self.mix(logits, scores, attn=attn, **params)
        return batch.inputs, batch

    def _forward_at_layer(self, model: nn.Module, inputs: Tensor,
                          scores: Tensor, params: Optional[dict]
                          ) -> Tuple[Tensor, MixedBatch]:
        """Mix the map after stage ``self.layer`` densely, run the rest of
        the network on the n mixed maps, pool Ỹ and s to the last map."""
        out = {}

        def mix_hidden(hidden: Tensor) -> Tensor:
            z = hidden.flatten(2)
            lam = (params if params is not None else
                   self.sample_params(z))['lam']
            batch = self.mix(z, scores, lam)
            out['batch'], out['size'] = batch, hidden.shape[2:]
            return batch.inputs.reshape(
                -1, *hidden.shape[1:]).to(hidden.dtype)

        if self.layer == 0:
            feats = model.dense_embed(mix_hidden(inputs), self.resolution)
        else:
            check_layer(self.layer, model.backbone, 'DenseMultiMix: `layer`')
            with stage_output_replaced(model.backbone, self.layer,
                                       mix_hidden):
                feats = model.dense_embed(inputs, self.resolution)
        logits = model.classify(feats).flatten(2)
        batch = out['batch']
        size = feats.shape[2:]
        n = batch.target.size(0)
        weight = batch.extras['weight'].reshape(n, 1, *out['size'])
        target = batch.target.reshape(n, -1, *out['size'])
        if tuple(out['size']) != tuple(size):
            pooled = F.adaptive_avg_pool2d(weight, size)
            target = F.adaptive_avg_pool2d(target * weight, size) / \
                pooled.clamp_min(1e-12)
            weight = pooled
        extras = dict(batch.extras, weight=weight.flatten(1))
        return logits, MixedBatch(logits, target.flatten(2),
                                  params=batch.params, extras=extras)

    def loss(self, model: nn.Module, logits: Tensor, batch: MixedBatch
             ) -> Tensor:
        return model.loss_weight * dense_weighted_ce(
            logits, batch.target, batch.extras['weight'])
