"""Forward hooks on a backbone stage: read its output, stop after it, or
replace it for one pass.

The stages are the modules named in ``backbone.res_layers`` (the layout of
mmpretrain's ``ResNet`` / ``ResNet_CIFAR`` and of mixtoolbox's
``PreActResNet`` / ``WideResNet``), so no backbone's forward code is copied:
embedding-space mixups replace a stage output, the learnable Mixer of
AutoMix / SAMix reads one from the momentum encoder.
"""
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Tuple, Union

import torch.nn as nn
from torch import Tensor

from .validators import check_int

__all__ = ['stage_names', 'stage_at', 'stage_output', 'stage_output_replaced']


def stage_names(backbone: nn.Module, owner: str,
                advice: str = ' Use layer 0 (input) or the last layer '
                'instead') -> List[str]:
    """Names of the backbone's stages (``res_layers``), or a ValueError
    naming ``owner`` and ending with ``advice``."""
    names = getattr(backbone, 'res_layers', None)
    if not names:
        raise ValueError(
            f'{owner}: mixing at a hidden stage needs a backbone that lists '
            f'its stages in `res_layers` (mmpretrain ResNet/ResNet_CIFAR, '
            f'PreActResNet, WideResNet); {type(backbone).__name__} does '
            f'not.{advice}')
    return list(names)


def stage_at(backbone: nn.Module, layer: int, owner: str,
             name: str = 'mask_layer') -> str:
    """The name of stage ``layer`` (1-based) of ``backbone``; the config
    field ``name`` is named in the error for a stage that does not exist."""
    stages = stage_names(backbone, owner, advice='')
    check_int(owner, name, layer, 1, len(stages))
    return stages[layer - 1]


class _Tapped(Exception):
    """Carries a stage output out of the forward pass, so that the stages
    after it are never computed."""


def stage_output(backbone: nn.Module, stage: str, x: Tensor,
                 stop: bool = True) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """Output of ``backbone.<stage>`` for ``x``. With ``stop`` (default) the
    forward pass ends there; with ``stop=False`` it runs to the end and
    ``(backbone output, stage output)`` is returned."""
    seen = {}

    def tap(module: nn.Module, args: tuple, output: Any) -> None:
        if stop:
            raise _Tapped(output)
        seen['out'] = output

    handle = getattr(backbone, stage).register_forward_hook(tap)
    try:
        out = backbone(x)
    except _Tapped as tapped:
        return tapped.args[0]
    finally:
        handle.remove()
    if 'out' not in seen:
        raise RuntimeError(f'stage {stage!r} was not run by the forward pass '
                           f'of {type(backbone).__name__}')
    return out, seen['out']


@contextmanager
def stage_output_replaced(backbone: nn.Module, layer: int,
                          fn: Callable[[Tensor], Tensor]) -> Iterator[None]:
    """Within the block, stage ``layer``'s (1-based) output becomes
    ``fn(output)``."""
    module = getattr(backbone, stage_names(backbone, 'stage hook')[layer - 1])
    handle = module.register_forward_hook(lambda mod, args, out: fn(out))
    try:
        yield
    finally:
        handle.remove()
