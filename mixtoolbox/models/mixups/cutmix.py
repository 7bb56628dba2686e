"""CutMix: S. Yun, D. Han, S. J. Oh, S. Chun, J. Choe and Y. Yoo, "CutMix:
Regularization Strategy to Train Strong Classifiers with Localizable
Features", ICCV 2019, https://arxiv.org/abs/1905.04899."""
import math
from typing import Any, List, Sequence, Tuple, Union

import numpy as np
import torch
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup

# (y1, y2, x1, x2): rows y1 … y2 − 1 and columns x1 … x2 − 1
Box = Tuple[int, int, int, int]


def box_at(lam: float, cy: int, cx: int, height: int, width: int) -> Box:
    """The CutMix box of ratio ``lam`` centred at (cy, cx): sides H·√(1−λ)
    and W·√(1−λ), clipped to the image. Returns (y1, y2, x1, x2)."""
    cut = math.sqrt(1.0 - lam)
    cut_h, cut_w = int(height * cut) // 2, int(width * cut) // 2
    cy, cx = int(cy), int(cx)
    # plain ints: numpy's clip costs more than the paste on small images
    return (min(max(cy - cut_h, 0), height), min(max(cy + cut_h, 0), height),
            min(max(cx - cut_w, 0), width), min(max(cx + cut_w, 0), width))


def sample_centre(height: int, width: int, rng: Any = np.random
                  ) -> Tuple[int, int]:
    """A box centre (row, column) uniform over the image."""
    return rng.randint(height), rng.randint(width)


def sample_box(lam: float, height: int, width: int, rng: Any = np.random
               ) -> Box:
    """CutMix box (Yun et al., §3.1): centre uniform over the image, sides
    H·√(1−λ) and W·√(1−λ), clipped to the image. Returns (y1, y2, x1, x2)."""
    return box_at(lam, *sample_centre(height, width, rng), height, width)


def paste_box(inputs: Tensor, source: Tensor, box: Box,
              inplace: bool) -> Tensor:
    """``inputs`` with ``source`` (already cropped to the box) pasted."""
    y1, y2, x1, x2 = box
    out = inputs if inplace else inputs.clone()
    out[:, :, y1:y2, x1:x2] = source
    return out


def box_mask(box: Box, height: int, width: int,
             device: Union[str, torch.device]) -> Tensor:
    """``[1, 1, H, W]`` share of the own image: 0 inside the box, 1 outside."""
    y1, y2, x1, x2 = box
    mask = torch.ones(1, 1, height, width, device=device)
    mask[:, :, y1:y2, x1:x2] = 0
    return mask


def box_lam(box: Box, height: int, width: int) -> float:
    """Share of the own image once the pasted box is known."""
    y1, y2, x1, x2 = box
    return 1.0 - (y2 - y1) * (x2 - x1) / float(height * width)


def pasted_batch(inputs: Tensor, mixed: Tensor, target: Tensor, box: Box,
                 index: Tensor) -> MixedBatch:
    """The :class:`MixedBatch` of a box pasted from the partners (CutMix,
    ResizeMix): per-sample λ and the box mask, built only here, where the
    classifier needs them (``__call__`` does not)."""
    h, w = inputs.shape[-2:]
    return MixedBatch(
        mixed, target,
        lam=torch.full((inputs.size(0), ), box_lam(box, h, w),
                       device=inputs.device),
        index=index, mask=box_mask(box, h, w, inputs.device),
        params=dict(box=box, index=index))


@BATCH_AUGMENTS.register_module()
class CutMix(BaseMixup):
    """CutMix: paste a box of the partner image.

    λ ~ Beta(α, α); a box B with sides √(1−λ)·(H, W) and a uniformly drawn
    centre is cut from x_π(i) and pasted into x_i (paper eq. 1, §3.1):

        x̃_i = M ⊙ x_i + (1 − M) ⊙ x_π(i),    ỹ_i = λ' y_i + (1 − λ') y_π(i)

    with λ' = 1 − |B| / (HW) recomputed after clipping the box to the image.

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0, the
            paper's (Yun et al., §4.1). The CIFAR-100 baseline setting of
            SAMix (Li et al., arXiv:2111.15454, App. A.1.2) is 0.2, used by
            ``configs/cutmix/cutmix_preactresnet18_1xb100-800e_cifar100.py``.
        inplace (bool): paste into the given tensor instead of a copy, as
            mmpretrain's and timm's CutMix do. Defaults to True; set False to
            keep the input batch intact.

    Example:
        >>> import torch
        >>> x, y = torch.zeros(2, 1, 4, 4), torch.eye(2)
        >>> x[1] = 1
        >>> out = CutMix().mix(x, y, box=(0, 2, 0, 2),
        ...                    index=torch.tensor([1, 0]))
        >>> out.target[0].tolist()
        [0.75, 0.25]
    """

    pairwise = True

    def __init__(self, alpha: float = 1.0, inplace: bool = True):
        self.alpha = check_positive('alpha', alpha, 'CutMix')
        self.inplace = bool(inplace)

    def sample_params(self, inputs: Tensor) -> dict:
        h, w = inputs.shape[-2:]
        lam = self.sample_beta(self.alpha)
        return dict(box=sample_box(lam, h, w),
                    index=self.sample_index(inputs))

    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """Multi-mix of CutMix (Shen et al. 2024, §III-A2): one centre,
        uniform over the image, and one partner for the K boxes; box k has
        sides √(1−λ_k)·(H, W), clipped as in CutMix."""
        h, w = inputs.shape[-2:]
        cy, cx = sample_centre(h, w)
        index = self.sample_index(inputs)
        return [dict(box=box_at(lam, cy, cx, h, w), index=index)
                for lam in lams]

    def mix_tensors(self, inputs: Tensor, scores: Tensor, box: Box,
                    index: Tensor) -> Tuple[Tensor, Tensor]:
        h, w = inputs.shape[-2:]
        y1, y2, x1, x2 = box
        # index_select on the box view gathers the same values as
        # inputs[index, :, y1:y2, x1:x2] with less overhead
        patch = inputs[:, :, y1:y2, x1:x2].index_select(0, index)
        mixed = paste_box(inputs, patch, box, self.inplace)
        return mixed, scores.index_select(0, index).lerp_(
            scores, box_lam(box, h, w))

    def mix(self, inputs: Tensor, scores: Tensor, box: Box,
            index: Tensor) -> MixedBatch:
        return pasted_batch(inputs, *self.mix_tensors(inputs, scores, box,
                                                      index), box, index)
