"""What embedding-space mixups share: no BATCH_AUGMENTS use, stage hooks.

Mixing a hidden state must not copy any backbone's forward code: a forward
hook on stage ``k`` (``getattr(backbone, backbone.res_layers[k - 1])``, the
layout of mmpretrain's ``ResNet`` / ``ResNet_CIFAR`` and of our
``PreActResNet`` / ``WideResNet``) replaces that stage's output for exactly
one forward pass.
"""
from contextlib import contextmanager
from typing import Callable, List

from torch import Tensor

from mixtoolbox.models.mixups.base import BaseMixup


def stage_names(backbone, owner: str) -> List[str]:
    """Names of the backbone's stages (``res_layers``) or a clear error."""
    names = getattr(backbone, 'res_layers', None)
    if not names:
        raise ValueError(
            f'{owner}: mixing at a hidden stage needs a backbone that lists '
            f'its stages in `res_layers` (mmpretrain ResNet/ResNet_CIFAR, '
            f'PreActResNet, WideResNet); {type(backbone).__name__} does not. '
            f'Use layer 0 (input) or the last layer instead')
    return list(names)


def check_layer(layer: int, backbone, owner: str) -> None:
    """``layer`` (0 = input, k = after stage k) exists in ``backbone``."""
    if layer == 0:
        return
    names = stage_names(backbone, owner)
    if not 1 <= layer <= len(names):
        raise ValueError(f'{owner}: layer {layer} does not exist; the '
                         f'backbone has stages 1..{len(names)} ({names}) '
                         f'and 0 means the input')


@contextmanager
def stage_output_replaced(backbone, layer: int, fn: Callable[[Tensor],
                                                             Tensor]):
    """Within the block, stage ``layer``'s output becomes ``fn(output)``."""
    module = getattr(backbone, stage_names(backbone, 'stage hook')[layer - 1])
    handle = module.register_forward_hook(lambda mod, args, out: fn(out))
    try:
        yield
    finally:
        handle.remove()


def forward_mixed_at(model, inputs: Tensor, layer: int,
                     fn: Callable[[Tensor], Tensor],
                     owner: str = 'forward_mixed_at') -> Tensor:
    """Logits of ``model`` with ``fn`` applied to the hidden state at
    ``layer`` (0: to the inputs); ``owner`` (the mixup and its option)
    names the setting in the error for a layer the backbone lacks."""
    if layer == 0:
        return model.head(model.extract_feat(fn(inputs)))
    check_layer(layer, model.backbone, owner)
    with stage_output_replaced(model.backbone, layer, fn):
        return model.head(model.extract_feat(inputs))


class FeatureMixup(BaseMixup):
    """Base of the mixups that mix inside the network.

    They need the model (``forward_train``), so they are not usable as
    mmpretrain ``BATCH_AUGMENTS``: ``model_free = False``, and the base
    ``__call__`` says so when one is called on a batch.
    """
    space = 'feature'
    model_free = False
