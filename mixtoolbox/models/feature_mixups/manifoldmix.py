"""Manifold Mixup: V. Verma, A. Lamb, C. Beckham, A. Najafi, I. Mitliagkas,
D. Lopez-Paz and Y. Bengio, "Manifold Mixup: Better Representations by
Interpolating Hidden States", ICML 2019, https://arxiv.org/abs/1806.05236."""
import numbers
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.mixups.base import concat_batches
from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import FeatureMixup, forward_mixed_at


def check_layers(layers: Union[int, Sequence[int]], owner: str
                 ) -> Tuple[int, ...]:
    """A non-empty tuple of distinct ints ≥ 0 (0 = input)."""
    if isinstance(layers, int) and not isinstance(layers, bool):
        layers = (layers, )
    if (not isinstance(layers, (tuple, list)) or not layers or not all(
            isinstance(k, numbers.Integral) and not isinstance(k, bool)
            and k >= 0 for k in layers)):
        raise ValueError(f'{owner}: `layers` must be a non-empty sequence of '
                         f'ints >= 0 (0 = input, k = after stage k), got '
                         f'{layers!r}')
    return tuple(int(k) for k in layers)


@BATCH_AUGMENTS.register_module()
class ManifoldMix(FeatureMixup):
    """Mix hidden states at a layer drawn per iteration.

    A layer k is drawn uniformly from ``layers``; with λ ~ Beta(α, α) and a
    partner permutation π the hidden states h_k and targets are mixed
    (written as eqs. (3)-(4) of Venkataramanan et al., "Embedding Space
    Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples",
    NeurIPS 2023, https://arxiv.org/abs/2311.05538; k = 0 is input mixup,
    their eq. (5)):

        h̃_i = λ h_k(x_i) + (1 − λ) h_k(x_π(i)),   ỹ_i = λ y_i + (1 − λ) y_π(i)

    and the rest of the network runs on h̃. Layer k ≥ 1 is the output of
    stage k of the backbone (``res_layers[k - 1]``), tapped with a forward
    hook, so any backbone with ``res_layers`` works unchanged.

    Multi-mix (L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup Augmentation with
    Multiple Interpolations", https://arxiv.org/abs/2406.01417, 2024,
    §III-A1, eq. (6)):
    with ``MultiInterp(mixup=dict(type='ManifoldMix'))`` one layer s and one
    partner serve K sorted ratios; the network runs once up to layer s on
    the N clean samples and on from there on the K·N interpolations
    ĥ_k = λ_k h^s(x) + (1 − λ_k) h^s(x') (:meth:`interp_forward_train`).

    Args:
        alpha (float): Beta concentration. Defaults to 2.0, the CIFAR value
            of Verma et al. (§5.1).
        layers (Sequence[int]): candidate layers. Defaults to (0, 1, 2), the
            PreActResNet setting of Verma et al. (§5.1).

    Example:
        >>> import torch
        >>> h, y = torch.rand(4, 8, 2, 2), torch.eye(4)
        >>> out = ManifoldMix().mix(h, y, lam=0.3, layer=1,
        ...                         index=torch.tensor([1, 0, 3, 2]))
        >>> torch.allclose(out.inputs[0], 0.3 * h[0] + 0.7 * h[1])
        True
    """

    pairwise = True

    def __init__(self, alpha: float = 2.0, layers=(0, 1, 2)):
        self.alpha = check_positive('alpha', alpha, 'ManifoldMix')
        self.layers = check_layers(layers, 'ManifoldMix')

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(lam=self.sample_beta(self.alpha),
                    index=self.sample_index(inputs),
                    layer=int(np.random.choice(self.layers)))

    def mix(self, inputs: Tensor, scores: Tensor, lam: float, index: Tensor,
            layer: int = 0) -> MixedBatch:
        mixed = inputs[index].lerp_(inputs, lam)
        target = scores[index].lerp_(scores, lam)
        return MixedBatch(
            mixed, target,
            lam=torch.full((inputs.size(0), ), float(lam),
                           device=inputs.device),
            index=index, params=dict(lam=lam, index=index, layer=layer))

    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """K ratios at one sampled layer with one partner (§III-A1)."""
        first = self.sample_params(inputs)
        return [dict(first, lam=float(lam)) for lam in lams]

    def _forward_at(self, model, inputs, layer, make_batch):
        out = {}

        def mix_hidden(hidden: Tensor) -> Tensor:
            out['batch'] = make_batch(hidden)
            return out['batch'].inputs

        logits = forward_mixed_at(model, inputs, layer, mix_hidden,
                                  owner=f'{self.name}: `layers`')
        return logits, out['batch']

    def interp_forward_train(self, model: nn.Module, inputs: Tensor,
                             scores: Tensor, parts: Sequence[dict]
                             ) -> Tuple[Tensor, MixedBatch]:
        """One forward to the layer, the rest of the network on K·N."""
        layers = {p['layer'] for p in parts}
        if len(layers) != 1:
            raise ValueError('ManifoldMix: the K interpolations must share '
                             f'one layer, got layers {sorted(layers)}')
        return self._forward_at(model, inputs, layers.pop(), lambda h: (
            concat_batches([self.mix(h, scores, **p) for p in parts])))

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if params is None:
            params = self.sample_params(inputs)
        return self._forward_at(model, inputs, params['layer'],
                                lambda h: self.mix(h, scores, **params))
