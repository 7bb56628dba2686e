"""Mixed precision that also works without a GPU."""
from contextlib import contextmanager
from typing import Iterator

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mixtoolbox.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """Optimizer wrapper that runs forward passes under bfloat16 autocast on
    the model's device.

    mmengine's ``AmpOptimWrapper`` refuses to start without CUDA; bfloat16
    has float32's exponent range, so no loss scaling is needed and the same
    wrapper serves CPU (``--amp`` on a CPU machine) and CUDA.
    """

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device, dtype=torch.bfloat16):
            yield
