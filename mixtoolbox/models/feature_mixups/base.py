"""What embedding-space mixups share: no BATCH_AUGMENTS use, stage hooks.

Mixing a hidden state must not copy any backbone's forward code: a forward
hook on stage ``k`` (``getattr(backbone, backbone.res_layers[k - 1])``, the
layout of mmpretrain's ``ResNet`` / ``ResNet_CIFAR`` and of our
``PreActResNet`` / ``WideResNet``) replaces that stage's output for exactly
one forward pass.
"""
import numbers
from typing import Callable, Union

import torch.nn as nn
from torch import Tensor

from mixtoolbox.models.mixups.base import BaseMixup
from mixtoolbox.models.utils import stage_names, stage_output_replaced


def check_layer(layer: int, backbone: nn.Module, owner: str) -> None:
    """``layer`` (0 = input, k = after stage k) exists in ``backbone``."""
    if layer == 0:
        return
    names = stage_names(backbone, owner)
    if not 1 <= layer <= len(names):
        raise ValueError(f'{owner}: layer {layer} does not exist; the '
                         f'backbone has stages 1..{len(names)} ({names}) '
                         f'and 0 means the input')


def check_layer_option(layer: Union[str, int], owner: str
                       ) -> Union[str, int]:
    """A mixup's ``layer`` option: 'last' or an int k >= 0 (0 = input,
    k = after stage k); returns it (an int as ``int``)."""
    if layer != 'last' and (isinstance(layer, bool) or not isinstance(
            layer, numbers.Integral) or layer < 0):
        raise ValueError(f"{owner}: `layer` must be 'last' or an int >= 0 "
                         f'(0 = input, k = after stage k), got {layer!r}')
    return layer if layer == 'last' else int(layer)


def forward_mixed_at(model: nn.Module, inputs: Tensor, layer: int,
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
