"""What a mixed batch carries on its way to the loss."""
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

import torch
import torch.nn.functional as F
from torch import Tensor


@dataclass
class MixedBatch:
    """A mixed batch and everything needed to reproduce or re-weight it.

    Attributes:
        inputs (Tensor): mixed inputs (pixels or features), batch first.
        target (Tensor): soft targets ``[N', K]``, each row sums to 1.
        lam (Tensor | None): ``[N]`` share of sample ``i`` in output ``i``
            (pairwise mixups); ``None`` for mixups that are not pairwise.
        index (Tensor | None): ``[N]`` the partner ``index[i]`` of sample
            ``i`` (pairwise mixups).
        mask (Tensor | None): ``[N, 1, H, W]`` per-pixel share of sample
            ``i`` (mask mixups); ``None`` when the share is spatially constant.
        params (dict): the sampled randomness; ``mixup.mix(x, y, **params)``
            reproduces the batch on another view of the same images (used by
            self-distillation).
        extras (dict): method-specific values (e.g. the mask loss of a
            learnable mixer).
    """

    inputs: Tensor
    target: Tensor
    lam: Optional[Tensor] = None
    index: Optional[Tensor] = None
    mask: Optional[Tensor] = None
    params: Dict[str, Any] = field(default_factory=dict)
    extras: Dict[str, Any] = field(default_factory=dict)

    def dense_target(self, scores: Tensor, size) -> Tensor:
        """Interpolated target at every position of an ``size`` grid.

        Args:
            scores (Tensor): the unmixed soft targets ``[N, K]``.
            size (tuple[int, int]): the ``(h, w)`` of the dense prediction.

        Returns:
            Tensor: ``[N, K, h, w]``; position ``j`` of output ``i`` gets
            ``a_ij * y_i + (1 - a_ij) * y_index[i]`` with ``a_ij`` the share
            of sample ``i`` in the pixels pooled into ``j`` (the mask) or the
            global target where the mixup has no spatial structure.
        """
        h, w = size
        if self.mask is None or self.index is None:
            return self.target[:, :, None, None].expand(-1, -1, h, w)
        share = F.adaptive_avg_pool2d(self.mask.to(scores.dtype), (h, w))
        own = scores[:, :, None, None]
        other = scores[self.index][:, :, None, None]
        return torch.lerp(other, own, share)
