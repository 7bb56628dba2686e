"""ResNeXt_CIFAR (CIFAR stem on mmpretrain's ResNeXt) and loading local
torchvision ImageNet weights into mmpretrain's ResNet / ResNeXt (the
fine-grained SAMix configs)."""
import pytest
import torch
import torchvision
from mmpretrain.models.backbones import ResNet, ResNeXt

from mixtoolbox.models.backbones import ResNeXt_CIFAR
from mixtoolbox.registry import MODELS


def test_resnext_cifar_stem_stages_and_groups():
    net = MODELS.build(dict(type='ResNeXt_CIFAR', depth=50,
                            out_indices=(0, 1, 2, 3)))
    outs = net(torch.rand(1, 3, 32, 32))
    assert [tuple(o.shape[1:]) for o in outs] == [
        (256, 32, 32), (512, 16, 16), (1024, 8, 8), (2048, 4, 4)]
    assert net.res_layers == ['layer1', 'layer2', 'layer3', 'layer4']
    assert net.conv1.kernel_size == (3, 3) and net.conv1.stride == (1, 1)
    assert not hasattr(net, 'maxpool')
    assert net.layer1[0].conv2.groups == 32
    # same blocks as the ImageNet ResNeXt-50 32x4d (stem conv 7x7 -> 3x3)
    imagenet = ResNeXt(depth=50)
    assert sum(p.numel() for p in net.parameters()) == sum(
        p.numel() for p in imagenet.parameters()) - 64 * 3 * (49 - 9)


@pytest.mark.parametrize('kwargs, match', [
    (dict(depth=18), 'depth'), (dict(depth=50, deep_stem=True), 'deep_stem')])
def test_resnext_cifar_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ResNeXt_CIFAR(**kwargs)


@pytest.mark.parametrize('cls, depth, factory', [
    (ResNet, 18, torchvision.models.resnet18),
    (ResNeXt, 50, torchvision.models.resnext50_32x4d)])
def test_torchvision_weights_load_through_init_cfg(tmp_path, cls, depth,
                                                   factory):
    state = factory(weights=None).state_dict()  # random: nothing downloads
    path = str(tmp_path / 'imagenet.pth')
    torch.save(state, path)
    net = cls(depth=depth, init_cfg=dict(type='Pretrained', checkpoint=path))
    net.init_weights()
    loaded = net.state_dict()
    assert set(state) - set(loaded) == {'fc.weight', 'fc.bias'}
    for key, value in loaded.items():
        assert torch.equal(value, state[key]), key
