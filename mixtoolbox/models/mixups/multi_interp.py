"""Multi-mix: L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup Augmentation with
Multiple Interpolations", arXiv preprint, 2024,
https://arxiv.org/abs/2406.01417 (equation and section numbers of its v1)."""
import numbers
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup


def interp_supported() -> List[str]:
    """Registered mixups that declare K-interpolation support (override
    :meth:`BaseMixup.interp_params`)."""
    return sorted(name for name, cls in BATCH_AUGMENTS.module_dict.items()
                  if isinstance(cls, type) and issubclass(cls, BaseMixup)
                  and cls.supports_interp())


@BATCH_AUGMENTS.register_module()
class MultiInterp(BaseMixup):
    """Multi-mix: K ordered interpolations of every pair.

    K mixing ratios are drawn from one Beta(α, α) and sorted; every pair
    (x_i, x_π(i)) is mixed at all K of them with the same partner, giving
    K·N samples x_i ≻ x̃_i^1 ≻ … ≻ x̃_i^K ≻ x_π(i) (§III-A1, eq. 6; the
    paper writes λ as the partner's share, here λ is the share of x_i, so
    λ_1 > … > λ_K). The loss is the plain mean over the K·N samples, the
    (1/KB)·Σ_B Σ_k of eq. 7. For CutMix the K boxes share one centre
    (§III-A2); FMix shares its noise (nested masks) and SaliencyMix its
    saliency peak. Output block k (rows k·N … (k+1)·N − 1) holds the k-th
    interpolation; ``MixedBatch.index`` repeats π, so ``dense_target``
    works with the scores repeated K times.

    Supported mixups: those that override the hook
    :meth:`BaseMixup.interp_params` (``interp_params(inputs, lams) ->
    list[dict]``, one params dict per λ with the rest of the randomness
    shared); :func:`interp_supported` lists them (``Mixup``, ``CutMix``,
    ``FMix``, ``SaliencyMix``, ``PuzzleMix``, ``ManifoldMix``).
    Input-space model-free mixups run one forward pass on K·N samples;
    feature-space or model-aware ones get
    ``mixup.forward_train(model, x, y, params=p)`` once per λ.

    Not an mmpretrain batch augment: it returns K·N samples for N data
    samples, so use it in ``MixupClassifier(mix_policy=[...])``.

    Args:
        mixup (dict | BaseMixup): the mixup to interpolate K times, or its
            config.
        k (int): K ≥ 1 interpolations per pair. Defaults to 5 (§IV-I:
            "In practice, we set K to 5"); K = 1 is the plain mixup.
        alpha (float, optional): Beta concentration of the λ's; defaults to
            the wrapped mixup's ``alpha`` (the paper samples "from the same
            Beta distribution").

    Example:
        >>> import torch
        >>> multi = MultiInterp(dict(type='CutMix'), k=3)
        >>> x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
        >>> out = multi.mix(x, y, **multi.sample_params(x))
        >>> tuple(out.inputs.shape), tuple(out.target.shape)
        ((12, 3, 8, 8), (12, 4))
    """

    model_free = False

    def __init__(self, mixup: Union[dict, BaseMixup], k: int = 5,
                 alpha: Optional[float] = None):
        from mixtoolbox.models.utils import build_mixup
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) \
                or k < 1:
            raise ValueError(f'MultiInterp: `k` must be an int >= 1, '
                             f'got {k!r}')
        self.mixup = mixup if isinstance(mixup, BaseMixup) \
            else build_mixup(mixup)
        if not isinstance(self.mixup, BaseMixup) or \
                not self.mixup.supports_interp():
            name = type(self.mixup).__name__
            raise ValueError(
                f'MultiInterp: `mixup` {name} has no K-interpolation reading '
                '(no per-pair scalar λ to replace by K sorted ones); '
                f'supported: {", ".join(interp_supported())}')
        if alpha is None:
            alpha = getattr(self.mixup, 'alpha', None)
            if alpha is None:
                raise ValueError(f'MultiInterp: {self.mixup.name} has no '
                                 '`alpha`; give `alpha` explicitly')
        self.alpha = check_positive('alpha', alpha, 'MultiInterp')
        self.k = int(k)
        self.space = self.mixup.space
        self.needs_labels = self.mixup.needs_labels

    def sample_lams(self) -> List[float]:
        """K ratios from Beta(α, α), share of x_i decreasing."""
        return sorted(np.random.beta(self.alpha, self.alpha, self.k).tolist(),
                      reverse=True)

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(parts=self.mixup.interp_params(inputs,
                                                   self.sample_lams()))

    def mix(self, inputs: Tensor, scores: Tensor,
            parts: Sequence[dict]) -> MixedBatch:
        return self.mixup.interp_mix(inputs, scores, parts)

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if params is None:
            params = self.sample_params(inputs)
        return self.mixup.interp_forward_train(model, inputs, scores,
                                               params['parts'])

    def loss(self, model: nn.Module, logits: Tensor, batch: MixedBatch
             ) -> Tensor:
        return self.mixup.loss(model, logits, batch)
