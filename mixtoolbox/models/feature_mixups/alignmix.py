"""AlignMix: S. Venkataramanan, E. Kijak, L. Amsaleg and Y. Avrithis,
"AlignMixup: Improving Representations By Interpolating Aligned Features",
CVPR 2022, https://arxiv.org/abs/2103.15375."""
import numbers
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.utils import check_positive, stage_names
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import FeatureMixup, forward_mixed_at
from .functional import aligned_mix, sinkhorn_plan


@BATCH_AUGMENTS.register_module()
class AlignMix(FeatureMixup):
    """Mix last-stage feature maps after aligning them by optimal transport.

    For a pair (A, A') of feature maps ``[C, r]`` (r = h·w positions), the
    cost between positions is ‖a_i − a'_j‖², P is the entropic OT plan with
    uniform marginals 1/r (Sinkhorn, ε = 0.1, at most 100 iterations) and
    R = r·P. One of the two directions is drawn with probability 1/2:
    Ã' = A'Rᵀ mixed as λA + (1 − λ)Ã', or Ã = AR mixed as λÃ + (1 − λ)A';
    targets λy + (1 − λ)y' either way. The plan gets no gradient. With the
    identity plan (R = I) this is manifold mixup at the last stage.

    The paper's schedule (input mixup half of the time, λ ~ Beta(2, 2) for
    both) is a policy::

        mix_policy=[dict(type='AlignMix', alpha=2.0, prob=0.5),
                    dict(type='Mixup', alpha=2.0, prob=0.5)]

    Sinkhorn is POT's batched log-domain solver (``ot.batch``, POT ≥ 0.9.6,
    listed in requirements/optional.txt).

    Args:
        alpha (float): Beta concentration. Defaults to 2.0 (AlignMixup §4).
        eps (float): entropic regularisation ε > 0. Defaults to 0.1.
        max_iter (int): Sinkhorn iterations ≥ 1. Defaults to 100.
        tol (float): stop early when the marginal error is below this.
            Defaults to 1e-5.

    Example:
        >>> import torch
        >>> a, y = torch.rand(2, 3, 2, 2), torch.eye(2)
        >>> eye = torch.eye(4).expand(2, 4, 4) / 4
        >>> out = AlignMix().mix(a, y, lam=0.3, index=torch.tensor([1, 0]),
        ...                      direction=0, plan=eye)
        >>> torch.allclose(out.inputs[0], 0.3 * a[0] + 0.7 * a[1])
        True
    """

    pairwise = True

    def __init__(self, alpha: float = 2.0, eps: float = 0.1,
                 max_iter: int = 100, tol: float = 1e-5):
        self.alpha = check_positive('alpha', alpha, 'AlignMix')
        self.eps = check_positive('eps', eps, 'AlignMix')
        self.tol = check_positive('tol', tol, 'AlignMix')
        if isinstance(max_iter, bool) or not isinstance(
                max_iter, numbers.Integral) or max_iter < 1:
            raise ValueError('AlignMix: `max_iter` must be an int >= 1, got '
                             f'{max_iter!r}')
        self.max_iter = int(max_iter)
        try:
            import ot.batch  # noqa: F401
        except ImportError as err:
            raise ImportError('AlignMix needs POT >= 0.9.6 for its batched '
                              'Sinkhorn solver: pip install "POT>=0.9.6" '
                              '(see requirements/optional.txt)') from err

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(lam=self.sample_beta(self.alpha),
                    index=self.sample_index(inputs),
                    direction=int(np.random.randint(2)))

    def mix(self, inputs: Tensor, scores: Tensor, lam: float, index: Tensor,
            direction: int, plan: Optional[Tensor] = None) -> MixedBatch:
        """Mix feature maps ``inputs [N, C, H, W]``; ``plan [N, r, r]`` is
        computed by Sinkhorn unless given."""
        if inputs.dim() != 4:
            raise ValueError('AlignMix: needs feature maps [N, C, H, W], got '
                             f'shape {tuple(inputs.shape)}')
        if direction not in (0, 1):
            raise ValueError(f'AlignMix: `direction` must be 0 or 1, got '
                             f'{direction!r}')
        partner = inputs[index]
        if plan is None:
            plan = sinkhorn_plan(inputs, partner, self.eps, self.max_iter,
                                 self.tol)
        mixed = aligned_mix(inputs, partner, plan.to(inputs.device), lam,
                            direction)
        target = scores[index].lerp_(scores, lam)
        return MixedBatch(
            mixed, target,
            lam=torch.full((inputs.size(0), ), float(lam),
                           device=inputs.device),
            index=index,
            params=dict(lam=lam, index=index, direction=direction),
            extras=dict(plan=plan))

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if params is None:
            params = self.sample_params(inputs)
        out = {}

        def mix_hidden(hidden: Tensor) -> Tensor:
            out['batch'] = self.mix(hidden, scores, **params)
            return out['batch'].inputs

        last = len(stage_names(model.backbone, 'AlignMix'))
        logits = forward_mixed_at(model, inputs, last, mix_hidden)
        return logits, out['batch']
