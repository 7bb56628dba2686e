"""Put the model's 4-D weights in a given memory format before a run."""
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mixtoolbox.models.utils import check_choice
from mixtoolbox.registry import HOOKS

from .anneal import unwrap


@HOOKS.register_module()
class MemoryFormatHook(Hook):
    """Convert the model to ``memory_format`` at ``before_run`` (training,
    validation and test runs alike).

    With channels-last convolution weights, oneDNN (and cuDNN) run
    convolutions in NHWC and every feature map after the first convolution
    stays channels-last; on CPU this makes the small convolutions of the
    quick-start network (8–64 channels, 28×28) markedly faster (about a
    quarter of the training step on this project's 2-core machine,
    tools/analysis/profile_quickstart.py). Results are the same up to
    floating-point summation order.

    Parameters are converted in place (``Module.to`` keeps the Parameter
    objects), so an optimiser built before the hook runs still holds them;
    checkpoints load into the converted weights unchanged.

    Args:
        memory_format (str): ``'channels_last'`` or ``'contiguous_format'``.
            Defaults to ``'channels_last'``.
    """
    priority = 'VERY_HIGH'
    FORMATS = ('channels_last', 'contiguous_format')

    def __init__(self, memory_format: str = 'channels_last'):
        self.memory_format = check_choice('MemoryFormatHook', 'memory_format',
                                          memory_format, self.FORMATS)

    def before_run(self, runner: Runner) -> None:
        unwrap(runner.model).to(
            memory_format=getattr(torch, self.memory_format))
