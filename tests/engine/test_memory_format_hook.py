"""MemoryFormatHook: converts the (possibly wrapped) model's 4-D weights in
place, keeps its outputs, refuses unknown formats."""
import types

import pytest
import torch
from torch import nn

from mixtoolbox.engine.hooks import MemoryFormatHook
from mixtoolbox.registry import HOOKS


def small_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8),
                         nn.ReLU(), nn.Conv2d(8, 4, 3), nn.Flatten())


def test_channels_last_in_place_same_outputs():
    net = small_net().eval()
    x = torch.randn(2, 1, 6, 6)
    before = net(x)
    weight = net[3].weight
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    hook = HOOKS.build(dict(type='MemoryFormatHook'))
    hook.before_run(types.SimpleNamespace(model=net))
    assert net[3].weight is weight  # the optimiser still holds it
    assert any(p is weight for p in optimizer.param_groups[0]['params'])
    assert weight.is_contiguous(memory_format=torch.channels_last)
    assert not weight.is_contiguous()
    assert torch.allclose(net(x), before, atol=1e-5)
    MemoryFormatHook('contiguous_format').before_run(
        types.SimpleNamespace(model=net))
    assert weight.is_contiguous()


def test_bad_format():
    with pytest.raises(ValueError, match='`memory_format` must be one of'):
        MemoryFormatHook('nhwc')
