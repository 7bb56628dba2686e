"""MultiMix (§3.2): S. Venkataramanan, E. Kijak, L. Amsaleg and Y. Avrithis,
"Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond
Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538 (equation,
section, table and figure numbers of this version; the preprint "Teach me
how to Interpolate a Myriad of Embeddings",
https://arxiv.org/abs/2206.14868, adds self-distillation as eq. (9), so its
Dense MultiMix eqs. are one higher)."""
import numbers
from typing import Optional, Sequence, Tuple, Union

import torch.nn as nn
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import FeatureMixup, check_layer_option, forward_mixed_at
from .functional import multimix, sample_dirichlet


def check_n(n: int, owner: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f'{owner}: `n` (number of interpolated examples) '
                         f'must be an int >= 1, got {n!r}')
    return int(n)


def check_alpha_range(alpha: Union[float, Sequence[float]], owner: str
                      ) -> Tuple[float, float]:
    """``alpha``: a number (fixed α) or a (low, high) range, all > 0."""
    if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
        alpha = (alpha, alpha)
    if (not isinstance(alpha, (tuple, list)) or len(alpha) != 2
            or not all(isinstance(a, numbers.Real)
                       and not isinstance(a, bool) for a in alpha)):
        raise TypeError(f'{owner}: `alpha` must be a number or a pair '
                        f'(low, high), got {alpha!r}')
    low, high = float(alpha[0]), float(alpha[1])
    if not 0 < low <= high < float('inf'):
        raise ValueError(f'{owner}: the Dirichlet `alpha` range must satisfy '
                         f'0 < low <= high < inf, got {alpha!r}')
    return low, high


@BATCH_AUGMENTS.register_module()
class MultiMix(FeatureMixup):
    """n convex combinations of the whole mini-batch, in embedding space.

    Λ = (λ_1..λ_n) ∈ R^{m×n}, λ_k ~ Dir(α_k 1_m), α_k ~ U[0.5, 2];
    Z̃ = ZΛ, Ỹ = YΛ (eqs. 6-7); loss H(Ỹ, g_W(Z̃)) (eq. 8) on the n mixed
    examples only (App. A.1). m is the batch size (per process: with several
    processes each draws its own Λ over its own batch, as App. A.1 states).

    At the default layer ('last', the embedding before the classifier) the
    classifier g_W is affine and every column of Λ sums to 1, so
    g_W(ZΛ) = g_W(Z)Λ: the m logits are interpolated instead of the
    embeddings (m·d·c + n·m·c instead of n·m·d + n·d·c multiply-adds), and
    ``MixedBatch.inputs`` holds those n mixed logits. Any other layer k mixes
    the hidden state after stage k (0 = input) and runs the rest of the
    network on n examples (the ablation over the layer, Fig. 4(a); Fig. 3(a)
    of the preprint).

    The paper's schedule is a policy (App. A.1: MultiMix with probability
    0.5, input mixup otherwise)::

        mix_policy=[dict(type='MultiMix', prob=0.5),
                    dict(type='Mixup', alpha=1.0, prob=0.5)]

    Args:
        n (int): interpolated examples per iteration. Defaults to 1000
            (App. A.1; Fig. 4(b)).
        alpha (float | tuple[float, float]): α_k ~ U[low, high] per vector;
            a number fixes α (Fig. 4(c)). Defaults to (0.5, 2.0) (App. A.1).
        layer (str | int): 'last' (default, App. A.1) or a stage index
            k ≥ 0.

    Example:
        >>> import torch
        >>> z, y = torch.rand(3, 5), torch.eye(3)
        >>> lam = torch.tensor([[1., .5], [0., .5], [0., 0.]])
        >>> out = MultiMix(n=2).mix(z, y, lam=lam)
        >>> torch.allclose(out.inputs[1], (z[0] + z[1]) / 2)
        True
    """

    def __init__(self, n: int = 1000, alpha=(0.5, 2.0), layer='last'):
        self.n = check_n(n, 'MultiMix')
        self.alpha = check_alpha_range(alpha, 'MultiMix')
        self.layer = check_layer_option(layer, 'MultiMix')

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(lam=sample_dirichlet(inputs.size(0), self.n, self.alpha,
                                         device=inputs.device))

    def mix(self, inputs: Tensor, scores: Tensor, lam: Tensor) -> MixedBatch:
        if lam.dim() != 2 or lam.size(0) != inputs.size(0):
            raise ValueError(f'MultiMix: `lam` must be [m, n] with m = '
                             f'{inputs.size(0)}, got {tuple(lam.shape)}')
        mixed, target = multimix(inputs, scores, lam)
        return MixedBatch(mixed, target, params=dict(lam=lam))

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if params is None:
            params = self.sample_params(inputs)
        if self.layer == 'last':
            batch = self.mix(model.classify(model.embed(inputs)), scores,
                             **params)
            return batch.inputs, batch
        out = {}

        def mix_hidden(hidden: Tensor) -> Tensor:
            out['batch'] = self.mix(hidden, scores, **params)
            return out['batch'].inputs

        logits = forward_mixed_at(model, inputs, self.layer, mix_hidden,
                                  owner=f'{self.name}: `layer`')
        return logits, out['batch']
