"""Cross-process batch shuffle and gather for the momentum encoder.

MoCo shuffles the key batch across processes so that BatchNorm statistics
cannot leak which key belongs to which query (He et al., CVPR 2020, §3.3).
mmpretrain's ``batch_shuffle_ddp`` / ``batch_unshuffle_ddp`` do that without
gradients, which is right for keys. SAMix's Mixer, however, is trained
*through* the momentum encoder (SAMix eq. (11); S. Li et al.,
arXiv:2111.15454v1, 2021, https://arxiv.org/abs/2111.15454v1, numbered as in
that first version): its mixed batch must be
shuffled with a gather whose backward hands each process the gradient of
its own rows, summed over all processes. ``torch.distributed.nn``'s
``all_gather`` is that autograd-aware gather (its backward works with gloo
and NCCL), so it is used here instead of a hand-written one.
"""
from typing import Tuple

import torch
from mmengine.dist import broadcast, get_rank, get_world_size
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp
from torch import Tensor
from torch.distributed.nn.functional import all_gather as _all_gather_grad


def gather_with_grad(x: Tensor) -> Tensor:
    """Concatenate ``x`` of every process along dim 0, keeping gradients.

    The backward of process r returns the gradient of its own rows summed
    over all processes' losses. With one process it is ``x`` itself.
    """
    if get_world_size() == 1:
        return x
    return torch.cat(_all_gather_grad(x.contiguous()), dim=0)


def batch_shuffle(x: Tensor, keep_grad: bool = False
                  ) -> Tuple[Tensor, Tensor]:
    """Shuffle the global batch; returns this process' share and the index
    that undoes it (for :func:`batch_unshuffle`).

    ``keep_grad=False`` is mmpretrain's ``batch_shuffle_ddp``; ``True``
    gathers with :func:`gather_with_grad`. Every process must hold the same
    number of rows (``drop_last=True`` in the train dataloader).
    """
    if not keep_grad:
        return batch_shuffle_ddp(x)
    n = x.size(0)
    full = gather_with_grad(x)
    perm = torch.randperm(full.size(0), device=x.device)
    if get_world_size() > 1:
        broadcast(perm, src=0)
    rank = get_rank()
    return full[perm[rank * n:(rank + 1) * n]], torch.argsort(perm)


def batch_unshuffle(x: Tensor, idx_unshuffle: Tensor,
                    keep_grad: bool = False) -> Tensor:
    """Undo :func:`batch_shuffle` (with or without gradients)."""
    if not keep_grad:
        return batch_unshuffle_ddp(x, idx_unshuffle)
    n = x.size(0)
    full = gather_with_grad(x)
    rank = get_rank()
    return full[idx_unshuffle[rank * n:(rank + 1) * n].to(x.device)]
