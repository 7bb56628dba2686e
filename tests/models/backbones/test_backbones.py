import pytest
import torch

from mixtoolbox.models.backbones import PreActResNet, WideResNet


def count(model):
    return sum(p.numel() for p in model.parameters())


def test_preact_resnet18_shapes_and_size():
    net = PreActResNet(depth=18, out_indices=(0, 1, 2, 3))
    outs = net(torch.rand(2, 3, 32, 32))
    assert [o.shape[1:] for o in outs] == [(64, 32, 32), (128, 16, 16),
                                           (256, 8, 8), (512, 4, 4)]
    # PreActResNet-18 for CIFAR has ~11.2 M parameters (11.17 M without fc)
    assert 11.0e6 < count(net) < 11.3e6
    assert net.res_layers == ['layer1', 'layer2', 'layer3', 'layer4']


def test_preact_last_stride_one_gives_8x8():
    net = PreActResNet(depth=18, last_stride=1)
    assert net(torch.rand(1, 3, 32, 32))[0].shape == (1, 512, 8, 8)


def test_wrn16_8_shapes_and_size():
    net = WideResNet(depth=16, widen_factor=8)
    assert net(torch.rand(2, 3, 32, 32))[0].shape == (2, 512, 8, 8)
    # WRN-16-8 has ~11.0 M parameters
    assert 10.8e6 < count(net) < 11.1e6


@pytest.mark.parametrize('kwargs, match', [
    (dict(depth=20), 'depth'),
    (dict(last_stride=3), 'last_stride'),
    (dict(out_indices=(4, )), 'out_indices'),
])
def test_preact_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PreActResNet(**kwargs)


@pytest.mark.parametrize('kwargs, match', [
    (dict(depth=15), 'depth'),
    (dict(widen_factor=0), 'widen_factor'),
    (dict(drop_rate=1.0), 'drop_rate'),
])
def test_wrn_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WideResNet(**kwargs)


def test_backbones_grey_input():
    net = PreActResNet(in_channels=1, base_channels=8)
    assert net(torch.rand(2, 1, 28, 28))[0].shape == (2, 64, 4, 4)
