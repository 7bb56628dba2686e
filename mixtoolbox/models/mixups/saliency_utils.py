"""What the model-aware mixups (PuzzleMix, Co-Mixup, R-Mix) share: the
saliency pass, the pixel scale of the inputs, the official BCE loss and the
block transport of PuzzleMix."""
import math
from contextlib import contextmanager
from typing import Iterator, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


@contextmanager
def train_mode(model: nn.Module, training: Optional[bool]) -> Iterator[None]:
    """Run the body with ``model.train(training)``; None keeps the mode."""
    before = model.training
    if training is not None:
        model.train(training)
    try:
        yield
    finally:
        model.train(before)


def saliency_pass(model: nn.Module, inputs: Tensor, scores: Tensor,
                  training: Optional[bool] = None, keep_loss: bool = False
                  ) -> Tuple[Tensor, Optional[Tensor]]:
    """Saliency ``[N, H, W]`` = √(mean_c (∂L/∂x)²) of the soft loss.

    Args:
        model (MixupClassifier): the classifier being trained.
        training (bool, optional): network mode for this pass: False is the
            official PuzzleMix / Co-Mixup choice without clean loss (BN on
            running statistics), True the one with clean loss and R-Mix's;
            None keeps the current mode.
        keep_loss (bool): also return the clean-input loss with its graph
            (Co-Mixup / PuzzleMix "clean input regularisation": the official
            code adds it to the mixed loss instead of paying a third pass).

    Returns:
        tuple: saliency (float32, detached) and the clean loss or None. The
        weights' ``.grad`` is never touched: gradients are taken with
        :func:`torch.autograd.grad` w.r.t. the input only.
    """
    with train_mode(model, training):
        if not keep_loss:
            return model.saliency(inputs, scores).float(), None
        # same quantity as MixupClassifier.saliency, but the graph is kept
        # so that the clean loss can be trained on without a third pass
        x = inputs.detach().requires_grad_(True)
        with torch.enable_grad():
            loss = model.soft_loss(model.head(model.extract_feat(x)), scores)
            grad, = torch.autograd.grad(loss, x, retain_graph=True)
    return grad.float().pow(2).mean(dim=1).sqrt(), loss


def pixel_scale(model: nn.Module, inputs: Tensor) -> Tensor:
    """``[C]`` factors that turn differences of ``inputs`` into differences
    of [0, 1] pixels: std / 255 when the data preprocessor normalises (mean
    cancels in differences), else 1 / 255 (raw 0–255 pixels)."""
    pre = getattr(model, 'data_preprocessor', None)
    c = inputs.size(1)
    if getattr(pre, '_enable_normalize', False):
        std = pre.std.reshape(-1).to(inputs.device, torch.float32)
        return (std / 255.).expand(c) if std.numel() == 1 else std / 255.
    return torch.full((c, ), 1 / 255., device=inputs.device)


def bce_softmax_loss(logits: Tensor, target: Tensor) -> Tensor:
    """The loss of the official PuzzleMix / Co-Mixup code:
    BCE(softmax(logits), target), averaged over batch and classes. Computed
    in float32 outside autocast (BCE is unsafe to autocast)."""
    with torch.autocast(logits.device.type, enabled=False):
        probs = F.softmax(logits.float(), dim=1)
        return F.binary_cross_entropy(probs, target.float())


def pool_saliency(saliency: Tensor, size: int) -> Tensor:
    """Block means of ``[N, H, W]`` saliency over ``size × size`` blocks,
    each map normalised to sum 1 (the unary of PuzzleMix and Co-Mixup); an
    all-zero map (zero gradient) becomes uniform instead of 0/0."""
    pooled = F.avg_pool2d(saliency[:, None].float(), size)[:, 0]
    total = pooled.flatten(1).sum(1)[:, None, None]
    uniform = torch.full_like(pooled, 1.0 / pooled[0].numel())
    return torch.where(total > 0, pooled / total.clamp_min(1e-30), uniform)


_BLOCK_DIST = {}


def _block_dist(side: int, device) -> Tensor:
    """``[T², T²]`` squared distances of a T × T grid over (T − 1)²."""
    key = (side, str(device))
    if key not in _BLOCK_DIST:
        yx = torch.stack(torch.meshgrid(
            torch.arange(side, device=device),
            torch.arange(side, device=device),
            indexing='ij'), -1)
        yx = yx.reshape(-1, 2).to(device, torch.float32)
        _BLOCK_DIST[key] = torch.cdist(yx, yx).pow(2) / max(side - 1, 1) ** 2
    return _BLOCK_DIST[key]


def transport_sources(visible: Tensor, saliency: Tensor, eps: float) -> Tensor:
    """Greedy transport of PuzzleMix on a T × T grid (T² = visible.size(1)).

    Cost of moving block i to j: eps·‖pos_i − pos_j‖²/(T−1)² − s_i·[j
    visible]. T rounds: every block picks its cheapest destination; where
    several picked one, the cheapest stays (the lowest index among equals)
    and the others pay +1 there. Returns ``[N, T²]`` the source block of
    each destination after the last round (−1: none). Only the chosen
    entries are touched per round (one scan of the cost for the row
    minima, the rest on ``[N, T²]``).
    """
    n, t2 = visible.shape
    side = math.isqrt(t2)
    cost = (eps * _block_dist(side, visible.device)
            - saliency.float()[:, :, None] * visible[:, None, :])
    source = torch.arange(t2, device=cost.device).expand(n, t2)
    none = torch.full((n, t2), t2, device=cost.device)
    inf = torch.full((n, t2), float('inf'), device=cost.device)
    for _ in range(side):
        best_cost, best = cost.min(-1)                      # [N, src]
        # cheapest claim on each destination, then its lowest source index
        low = inf.scatter_reduce(1, best, best_cost, 'amin')
        tie = best_cost == low.gather(1, best)
        winner = none.scatter_reduce(
            1, best, torch.where(tie, source, none), 'amin')  # [N, dst]
        lost = winner.gather(1, best) != source
        cost.scatter_add_(2, best[..., None], lost[..., None].float())
    return torch.where(winner < t2, winner, torch.full_like(winner, -1))


def move_blocks(x: Tensor, src: Tensor) -> Tensor:
    """Block j of the output is block ``src[j]`` of ``x`` (0 where −1)."""
    n, c, h, w = x.shape
    side = math.isqrt(src.size(1))
    bs = h // side
    blocks = x.reshape(n, c, side, bs, side, bs).permute(0, 2, 4, 1, 3, 5)
    blocks = blocks.reshape(n, side * side, c, bs, bs)
    idx = src.clamp_min(0)[:, :, None, None, None].expand_as(blocks)
    out = blocks.gather(1, idx) * (src >= 0)[:, :, None, None, None].to(
        x.dtype)
    return out.reshape(n, side, side, c, bs, bs).permute(
        0, 3, 1, 4, 2, 5).reshape(n, c, h, w)
