"""Multi-mix: Shen, Yu, Yang, Kwok, "Mixup Augmentation with Multiple
Interpolations" (seed 002)."""
import math
import numbers
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch
from .base import BaseMixup, check_positive
from .cutmix import CutMix
from .mixup import Mixup


def _mixup_params(mixup: Mixup, inputs: Tensor, lams) -> List[dict]:
    index = mixup.sample_index(inputs)
    return [dict(lam=lam, index=index) for lam in lams]


def _cutmix_params(mixup: CutMix, inputs: Tensor, lams) -> List[dict]:
    # Seed 002 §III-A2: one centre, uniform over the image, for all K boxes;
    # sides and clipping as in CutMix (sample_box).
    h, w = inputs.shape[-2:]
    cy, cx = np.random.randint(h), np.random.randint(w)
    index = mixup.sample_index(inputs)
    parts = []
    for lam in lams:
        cut = math.sqrt(1.0 - lam)
        half_h, half_w = int(h * cut) // 2, int(w * cut) // 2
        y1, y2 = np.clip([cy - half_h, cy + half_h], 0, h)
        x1, x2 = np.clip([cx - half_w, cx + half_w], 0, w)
        parts.append(dict(box=(int(y1), int(y2), int(x1), int(x2)),
                          index=index))
    return parts


# Mixups defined outside this family get their λ → params hook here; every
# other mixup provides ``interp_params(inputs, lams)`` as a method.
_HOOKS = {Mixup: _mixup_params, CutMix: _cutmix_params}


def interp_hook(mixup: BaseMixup) -> Optional[Callable]:
    """``f(inputs, lams) -> [params_1, ..., params_K]`` for ``mixup``, or
    None when it has no scalar λ to replace."""
    method = getattr(mixup, 'interp_params', None)
    if method is not None:
        return method
    fn = _HOOKS.get(type(mixup))
    return None if fn is None else (lambda x, lams: fn(mixup, x, lams))


def _concat(parts: List[MixedBatch]) -> MixedBatch:
    n = parts[0].inputs.size(0)

    def cat(name):
        values = [getattr(p, name) for p in parts]
        if any(v is None for v in values):
            return None
        if name == 'mask':
            values = [v.expand(n, *v.shape[1:]) for v in values]
        return torch.cat(values)

    losses = {k: torch.stack([p.extras[k] for p in parts]).mean()
              for k in parts[0].extras if k.startswith('loss')}
    return MixedBatch(cat('inputs'), cat('target'), lam=cat('lam'),
                      index=cat('index'), mask=cat('mask'),
                      params=dict(parts=[p.params for p in parts]),
                      extras=dict(num_interp=len(parts), **losses))


@BATCH_AUGMENTS.register_module()
class MultiInterp(BaseMixup):
    """Multi-mix: K ordered interpolations of every pair.

    K mixing ratios are drawn from one Beta(α, α) and sorted; every pair
    (x_i, x_π(i)) is mixed at all K of them with the same partner, giving
    K·N samples x_i ≻ x̃_i^1 ≻ … ≻ x̃_i^K ≻ x_π(i) (seed 002, eq. 6; the
    paper writes λ as the partner's share, here λ is the share of x_i, so
    λ_1 > … > λ_K). The loss is the plain mean over the K·N samples, the
    (1/KB)·Σ_B Σ_k of eq. 7. For CutMix the K boxes share one centre
    (§III-A2); FMix shares its noise (nested masks) and SaliencyMix its
    saliency peak. Output block k (rows k·N … (k+1)·N − 1) holds the k-th
    interpolation; ``MixedBatch.index`` repeats π, so ``dense_target``
    works with the scores repeated K times.

    Supported mixups: ``Mixup``, ``CutMix``, ``FMix``, ``SaliencyMix``, and
    any mixup with a method ``interp_params(inputs, lams) -> list[dict]``
    returning one params dict per λ with the rest of the randomness shared.
    Input-space model-free mixups run one forward pass on K·N samples;
    feature-space or model-aware ones get
    ``mixup.forward_train(model, x, y, params=p)`` once per λ.

    Not an mmpretrain batch augment: it returns K·N samples for N data
    samples, so use it in ``MixupClassifier(mix_policy=[...])``.

    Args:
        mixup (dict | BaseMixup): the mixup to interpolate K times, or its
            config.
        k (int): K ≥ 1 interpolations per pair. Defaults to 5 (seed 002,
            §IV-I: "In practice, we set K to 5"); K = 1 is the plain mixup.
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

    def __init__(self, mixup, k: int = 5,
                 alpha: Optional[float] = None):
        from mixtoolbox.models.classifiers.policy import build_mixup
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) \
                or k < 1:
            raise ValueError(f'MultiInterp: `k` must be an int >= 1, '
                             f'got {k!r}')
        self.mixup = mixup if isinstance(mixup, BaseMixup) \
            else build_mixup(mixup)
        if interp_hook(self.mixup) is None:
            raise ValueError(
                f'MultiInterp: `mixup` {self.mixup.name} has no scalar λ to '
                'interpolate; supported: Mixup, CutMix, FMix, SaliencyMix '
                'and mixups with an `interp_params(inputs, lams)` method')
        if alpha is None:
            alpha = getattr(self.mixup, 'alpha', None)
            if alpha is None:
                raise ValueError(f'MultiInterp: {self.mixup.name} has no '
                                 '`alpha`; give `alpha` explicitly')
        self.alpha = check_positive('alpha', alpha, 'MultiInterp')
        self.k = int(k)
        self.space = self.mixup.space

    def sample_lams(self) -> List[float]:
        """K ratios from Beta(α, α), share of x_i decreasing."""
        return sorted(np.random.beta(self.alpha, self.alpha, self.k).tolist(),
                      reverse=True)

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(parts=interp_hook(self.mixup)(inputs, self.sample_lams()))

    def mix(self, inputs: Tensor, scores: Tensor,
            parts: Sequence[dict]) -> MixedBatch:
        # A mixup that pastes in place would leak earlier interpolations.
        inplace = getattr(self.mixup, 'inplace', False)
        return _concat([
            self.mixup.mix(inputs.clone() if inplace else inputs, scores, **p)
            for p in parts])

    def __call__(self, inputs: Tensor, scores: Tensor):
        raise TypeError('MultiInterp returns K·N samples for N data samples '
                        'and cannot be an mmpretrain batch augment; use it '
                        "in MixupClassifier(mix_policy=[dict(type="
                        "'MultiInterp', ...)])")

    def forward_train(self, model, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None):
        if params is None:
            params = self.sample_params(inputs)
        if self.mixup.space == 'input' and self.mixup.model_free:
            batch = self.mix(inputs, scores, **params)
            return model.head(model.extract_feat(batch.inputs)), batch
        outs = [self.mixup.forward_train(model, inputs, scores, params=p)
                for p in params['parts']]
        return (torch.cat([logits for logits, _ in outs]),
                _concat([batch for _, batch in outs]))

    def loss(self, model, logits: Tensor, batch: MixedBatch) -> Tensor:
        return self.mixup.loss(model, logits, batch)
