"""Backbone export for mmdet: key selection per encoder, architecture
checks and the command-line tool."""
import pytest
import torch

from mixtoolbox.transfer import (
    check_mmdet_resnet,
    export_backbone,
    load_state_dict,
    resnet_arch,
    select_encoder,
)
from tests.models.selfsup.helpers import BASE as TINY_MOCO


def _classifier(backbone):
    return dict(
        type='MixupClassifier', backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=512,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)))


@pytest.fixture(scope='module')
def r18_checkpoint(transfer_dir, build_cls, save_ckpt):
    model = build_cls(_classifier(dict(type='ResNet', depth=18)))
    return save_ckpt(model, str(transfer_dir / 'cls_r18.pth'))


def test_r50_export_loads_into_mmdet_resnet(r50_checkpoint, r50_backbone):
    from mmdet.models.backbones import ResNet
    source = load_state_dict(r50_checkpoint)
    exported = torch.load(r50_backbone, weights_only=True)
    assert exported['meta']['arch'] == 'ResNet-50'
    sd = exported['state_dict']
    # every backbone.* tensor, prefix stripped, nothing else (no head, neck)
    assert set(sd) == {k[len('backbone.'):] for k in source
                       if k.startswith('backbone.')}
    for k, v in sd.items():
        assert torch.equal(v, source['backbone.' + k])
    net = ResNet(depth=50)
    result = net.load_state_dict(sd, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(net.layer4[2].conv3.weight, sd['layer4.2.conv3.weight'])


def test_depth_is_inferred(r18_checkpoint, tmp_path):
    report = export_backbone(r18_checkpoint, str(tmp_path / 'b.pth'))
    assert report['arch'] == 'ResNet-18' and report['num_tensors'] == 120
    assert report['missing'] == report['unexpected'] == []


def test_automix_online_and_momentum_networks(tmp_path, build_cls,
                                              save_ckpt):
    automix = build_cls(dict(
        type='AutoMixClassifier', backbone=dict(type='ResNet', depth=18),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=512,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        mixer=dict(type='SAMixMixer', in_channels=256)))
    momentum = automix.momentum_net.module.backbone
    with torch.no_grad():  # the EMA copy starts equal; make it distinct
        momentum.conv1.weight.add_(1)
    path = save_ckpt(automix, str(tmp_path / 'automix.pth'))
    rep = export_backbone(path, str(tmp_path / 'm.pth'), encoder='momentum')
    assert rep['prefix'] == 'momentum_net.module.backbone.'
    assert rep['arch'] == 'ResNet-18'
    sd = torch.load(str(tmp_path / 'm.pth'))['state_dict']
    assert set(sd) == set(momentum.state_dict())
    assert torch.equal(sd['conv1.weight'], momentum.conv1.weight)
    online, _ = select_encoder(load_state_dict(path), 'online')
    assert torch.equal(online['conv1.weight'], automix.backbone.conv1.weight)
    assert not torch.equal(online['conv1.weight'], sd['conv1.weight'])


def test_explicit_prefix(r18_checkpoint):
    sd = load_state_dict(r18_checkpoint)
    renamed = {'ema.' + k: v + 1 for k, v in sd.items()
               if k.startswith('backbone.')}
    ema, used = select_encoder({**sd, **renamed}, prefix='ema.backbone.')
    online, _ = select_encoder(sd)
    assert used == 'ema.backbone.' and set(ema) == set(online)
    assert torch.equal(ema['conv1.weight'], online['conv1.weight'] + 1)


def test_moco_query_and_key_encoders(tmp_path, save_ckpt):
    from mmpretrain.registry import MODELS
    moco = MODELS.build(dict(
        type='MoCo', queue_len=8, feat_dim=4, momentum=0.001,
        backbone=dict(type='ResNet', depth=18),
        neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=8,
                  out_channels=4, with_avg_pool=True),
        head=dict(type='ContrastiveHead',
                  loss=dict(type='CrossEntropyLoss'), temperature=0.2)))
    with torch.no_grad():  # the EMA copy starts equal; make it distinct
        for p in moco.encoder_k.module[0].parameters():
            p.add_(0.5)
    path = save_ckpt(moco, str(tmp_path / 'moco.pth'))
    key = export_backbone(path, str(tmp_path / 'k.pth'), encoder='key')
    query = export_backbone(path, str(tmp_path / 'q.pth'))
    assert key['prefix'] == 'encoder_k.module.0.'
    assert query['prefix'] == 'backbone.'
    k_sd = torch.load(str(tmp_path / 'k.pth'))['state_dict']
    q_sd = torch.load(str(tmp_path / 'q.pth'))['state_dict']
    assert torch.equal(k_sd['conv1.weight'],
                       moco.encoder_k.module[0].conv1.weight)
    assert torch.equal(q_sd['conv1.weight'], moco.backbone.conv1.weight)
    assert not torch.equal(k_sd['conv1.weight'], q_sd['conv1.weight'])


def test_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='no such file'):
        export_backbone(str(tmp_path / 'nope.pth'), str(tmp_path / 'o.pth'))


@pytest.mark.parametrize('backbone,match', [
    (dict(type='PreActResNet', depth=18), '3x3 conv: a CIFAR'),
    (dict(type='ResNet_CIFAR', depth=18), '3x3 conv: a CIFAR'),
    (dict(type='ResNetV1d', depth=18), 'deep stem'),
])
def test_refuses_architectures_mmdet_cannot_load(backbone, match, tmp_path,
                                                build_cls, save_ckpt):
    model = build_cls(_classifier(backbone))
    path = save_ckpt(model, str(tmp_path / 'c.pth'))
    with pytest.raises(ValueError, match=match):
        export_backbone(path, str(tmp_path / 'o.pth'))


def test_refuses_non_resnets(r18_checkpoint):
    with pytest.raises(ValueError, match='not a ResNet'):
        resnet_arch({'patch_embed.projection.weight':
                     torch.zeros(8, 3, 16, 16)})
    with pytest.raises(ValueError, match='no convolution on 3-channel'):
        resnet_arch({'fc.weight': torch.zeros(2, 2)})
    sd, _ = select_encoder(load_state_dict(r18_checkpoint))
    del sd['layer3.1.conv1.weight'], sd['layer3.1.conv2.weight']
    sd = {k: v for k, v in sd.items() if not k.startswith('layer3.1.')}
    with pytest.raises(ValueError, match=r'\(2, 2, 1, 2\)'):
        resnet_arch(sd)


def test_shape_mismatch_is_reported(r18_checkpoint):
    sd, _ = select_encoder(load_state_dict(r18_checkpoint))
    sd['layer1.0.conv1.weight'] = torch.zeros(64, 64, 1, 1)
    keys = check_mmdet_resnet(sd, 18)
    assert keys == dict(missing=[], unexpected=[],
                        mismatched=['layer1.0.conv1.weight'])


def test_bad_encoder_and_absent_prefix(r18_checkpoint):
    sd = load_state_dict(r18_checkpoint)
    with pytest.raises(ValueError, match='encoder must be one of'):
        select_encoder(sd, 'teacher')
    with pytest.raises(ValueError, match=r"top-level prefixes \['backbone\."):
        select_encoder(sd, 'momentum')


def test_not_a_state_dict(tmp_path):
    path = str(tmp_path / 'x.pth')
    torch.save(dict(state_dict=dict(a=1)), path)
    with pytest.raises(ValueError, match='state dict'):
        load_state_dict(path)


def test_command_line(r18_checkpoint, tmp_path, capsys, tool):
    cli = tool('model_converters/extract_backbone.py')
    report = cli.main([r18_checkpoint, str(tmp_path / 'b.pth')])
    out = capsys.readouterr().out
    assert 'ResNet-18: 120 tensors from backbone.*' in out
    assert 'missing keys vs mmdet ResNet-18: 0' in out
    assert report['depth'] == 18
    with pytest.raises(SystemExit, match='no weights under prefix'):
        cli.main([r18_checkpoint, str(tmp_path / 'm.pth'),
                   '--encoder', 'momentum'])
    with pytest.raises(SystemExit, match='no such file'):
        cli.main([str(tmp_path / 'nope.pth'), str(tmp_path / 'm.pth')])


def _first_bn(module):
    return next((name, m) for name, m in module.named_modules()
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm))


def _check_own_statistics(model, momentum_backbone, online_backbone,
                          run_momentum):
    """A momentum update averages the parameters and leaves the momentum
    network's BN running mean as its own train-mode pass made it: neither a
    copy of the online one (mmengine's update_buffers=False) nor an average
    (update_buffers=True)."""
    torch.manual_seed(0)
    model.train()
    model.momentum_update()  # first update: a copy
    run_momentum(torch.randn(4, 3, 32, 32) * 3 + 1)
    name, bn_k = _first_bn(momentum_backbone)
    bn_q = dict(online_backbone.named_modules())[name]
    online_backbone(torch.randn(4, 3, 32, 32))
    own, online = bn_k.running_mean.clone(), bn_q.running_mean.clone()
    assert not torch.allclose(own, online)
    w_k = bn_k.weight.detach().clone()
    with torch.no_grad():
        bn_q.weight.add_(1.0)
    model.momentum_update()
    m = model.momentum
    assert torch.equal(bn_k.running_mean, own)
    assert torch.allclose(bn_k.weight, m * w_k + (1 - m) * bn_q.weight,
                          atol=1e-6)


def test_momentum_networks_keep_their_own_bn_statistics():
    from mixtoolbox.models.utils import MomentumEncoder
    from mixtoolbox.registry import MODELS
    from mixtoolbox.utils import register_all_modules
    register_all_modules()
    automix = MODELS.build(dict(
        type='AutoMixClassifier',
        backbone=dict(type='PreActResNet', base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        mixer=dict(type='SAMixMixer', in_channels=32), momentum=0.9))
    assert isinstance(automix.momentum_net, MomentumEncoder)
    _check_own_statistics(automix, automix.momentum_net.module.backbone,
                          automix.backbone, automix.momentum_features)
    moco = MODELS.build(dict(
        TINY_MOCO, type='MixMoCo',
        neck=dict(TINY_MOCO['neck'], hid_channels=32), momentum=0.9))
    assert isinstance(moco.encoder_k, MomentumEncoder)
    _check_own_statistics(moco, moco.encoder_k.module[0], moco.backbone,
                          moco.keys)
