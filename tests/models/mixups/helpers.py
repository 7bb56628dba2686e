"""Checks the mixup tests share."""
from typing import Callable

import torch
from torch import Tensor


def assert_bf16_call(mixup: Callable, x: Tensor) -> None:
    """``mixup(x, one-hot targets)`` under CPU bfloat16 autocast: the mixed
    images stay bfloat16 and every target row still sums to 1."""
    n = x.size(0)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        mixed, target = mixup(x.bfloat16(), torch.eye(n))
    assert mixed.dtype == torch.bfloat16
    assert torch.allclose(target.sum(1), torch.ones(n))
