"""ManifoldMix, MultiMix, Dense MultiMix and AlignMix inside a real model."""
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.feature_mixups import (
    AlignMix,
    DenseMultiMix,
    ManifoldMix,
    MultiMix,
    dense_multimix,
    functional,
    multimix,
)
from mixtoolbox.models.utils import MixPolicy
from mixtoolbox.registry import MODELS


def tiny(backbone=None, classes=5, channels=32, **kw):
    torch.manual_seed(0)
    cfg = dict(type='MixupClassifier',
               backbone=backbone or dict(type='PreActResNet', depth=18,
                                         base_channels=4),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=classes,
                         in_channels=channels,
                         loss=dict(type='CrossEntropyLoss', use_soft=True)))
    cfg.update(kw)
    return MODELS.build(cfg).train()


def batch(m=6, size=16, classes=5):
    x = torch.randn(m, 3, size, size)
    return x, F.one_hot(torch.arange(m) % classes, classes).float()


def preact_manual(model, x, layer, fn, dense=False):
    """PreActResNet forward written out, mixing the output of stage
    ``layer`` (for the last stage: before the final BN → ReLU); ``dense``:
    the classifier at every position of the last map, ``[n, c, r]``."""
    b = model.backbone
    h = fn(x) if layer == 0 else x
    h = b.stem(h)
    for k, name in enumerate(b.res_layers, 1):
        h = getattr(b, name)(h)
        if k == layer:
            h = fn(h)
        if k == len(b.res_layers):
            h = F.relu(b.final_bn(h))
    fc = model.head.fc
    if dense:
        return torch.einsum('cd,ndr->ncr', fc.weight,
                            h.flatten(2)) + fc.bias[:, None]
    return fc(h.mean(dim=(2, 3)))


@pytest.mark.parametrize('layer', [0, 1, 2, 4])
def test_manifoldmix_hook_equals_manual_forward(layer):
    model, (x, y) = tiny(), batch()
    mixup = ManifoldMix(layers=(layer, ))
    params = dict(lam=0.3, index=torch.tensor([1, 0, 3, 2, 5, 4]),
                  layer=layer)
    logits, out = mixup.forward_train(model, x, y, params=params)
    torch.manual_seed(1)
    expect = preact_manual(
        model, x, layer, lambda h: 0.3 * h + 0.7 * h[params['index']])
    assert torch.allclose(logits, expect, atol=1e-5)
    assert torch.allclose(out.target, 0.3 * y + 0.7 * y[params['index']])
    assert torch.allclose(out.target.sum(1), torch.ones(6))
    assert not model.backbone.layer1._forward_hooks  # hook removed


def test_manifoldmix_on_mmpretrain_resnet_cifar_and_draws_layers():
    model = tiny(dict(type='ResNet_CIFAR', depth=18, stem_channels=8,
                      base_channels=8), channels=64)
    x, y = batch()
    mixup = ManifoldMix(layers=(0, 1, 2, 3, 4))
    identity = dict(lam=1.0, index=torch.arange(6), layer=3)
    logits, _ = mixup.forward_train(model, x, y, params=identity)
    assert torch.allclose(logits, model.head(model.extract_feat(x)),
                          atol=1e-5)
    mixed, _ = mixup.forward_train(
        model, x, y, params=dict(identity, lam=0.5, index=torch.arange(6)
                                 .flip(0)))
    assert not torch.allclose(mixed, logits, atol=1e-3)
    mixed.sum().backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    drawn = {mixup.sample_params(x)['layer'] for _ in range(60)}
    assert drawn == {0, 1, 2, 3, 4}


def test_stage_errors():
    model, (x, y) = tiny(), batch()
    with pytest.raises(ValueError, match='layer 5 does not exist'):
        ManifoldMix(layers=(5, )).forward_train(model, x, y)
    vit = tiny(dict(type='VisionTransformer', img_size=16, patch_size=8,
                    arch=dict(embed_dims=16, num_layers=1, num_heads=2,
                              feedforward_channels=16)),
               channels=16, neck=None)
    with pytest.raises(ValueError, match='res_layers'):
        ManifoldMix(layers=(1, )).forward_train(vit, x, y)
    with pytest.raises(ValueError, match='res_layers'):
        AlignMix().forward_train(vit, x, y)


@pytest.mark.parametrize('cfg', [
    dict(type='ManifoldMix', alpha=0), dict(type='ManifoldMix', layers=[]),
    dict(type='ManifoldMix', layers=(-1, )), dict(type='MultiMix', n=0),
    dict(type='MultiMix', n=2.5), dict(type='MultiMix', alpha=(0, 1)),
    dict(type='MultiMix', alpha=(2, 1)), dict(type='MultiMix', layer=-1),
    dict(type='MultiMix', layer='first'), dict(type='DenseMultiMix', n=0),
    dict(type='DenseMultiMix', alpha=-1),
    dict(type='DenseMultiMix', attention='max'),
    dict(type='DenseMultiMix', nonlinearity='sigmoid'),
    dict(type='DenseMultiMix', resolution=0), dict(type='AlignMix', eps=0),
    dict(type='AlignMix', max_iter=0), dict(type='AlignMix', alpha=-2)])
def test_bad_config_raises_at_build(cfg):
    name = [k for k in cfg if k != 'type'][0]
    with pytest.raises((ValueError, TypeError), match=name):
        MixPolicy([cfg])


def test_feature_mixups_refuse_batch_augment_use():
    x, y = batch()
    for mixup in (ManifoldMix(), MultiMix(), DenseMultiMix(), AlignMix()):
        with pytest.raises(TypeError, match='mix_policy'):
            mixup(x, y)


def test_multimix_logit_trick_equals_mixing_embeddings():
    model, (x, y) = tiny(), batch()
    mixup = MultiMix(n=40)
    params = mixup.sample_params(x)
    assert params['lam'].shape == (6, 40)
    logits, out = mixup.forward_train(model, x, y, params=params)
    z_mix, y_mix = multimix(model.embed(x), y, params['lam'])
    assert torch.allclose(logits, model.head((z_mix, )), atol=1e-5)
    assert torch.allclose(out.target, y_mix)
    assert torch.allclose(out.target.sum(1), torch.ones(40))
    model.soft_loss(logits, out.target).backward()
    assert model.backbone.stem.weight.grad.abs().sum() > 0   # encoder


def test_multimix_at_earlier_layer_runs_rest_on_n_examples():
    model, (x, y) = tiny(), batch()
    mixup = MultiMix(n=9, alpha=1.0, layer=2)
    params = mixup.sample_params(x)
    logits, out = mixup.forward_train(model, x, y, params=params)
    assert logits.shape == (9, 5) and out.target.shape == (9, 5)
    expect = preact_manual(model, x, 2,
                           lambda h: multimix(h, y, params['lam'])[0])
    assert torch.allclose(logits, expect, atol=1e-5)


def test_dense_multimix_logit_trick_equals_straightforward():
    model, (x, y) = tiny(), batch()
    for attn_kind, h in [('gap', 'l1_relu'), ('cam', 'softmax'),
                         ('uniform', 'l1_relu')]:
        mixup = DenseMultiMix(n=30, attention=attn_kind, nonlinearity=h)
        z = model.dense_embed(x).flatten(2)                    # [m, d, r]
        params = mixup.sample_params(z)
        assert params['lam'].shape == (4, 6, 30)
        logits, out = mixup.forward_train(model, x, y, params=params)
        attn = out.extras['attention']
        if attn_kind == 'gap':
            score = torch.einsum('mdr,md->mr', z, z.mean(2)).relu()
            assert torch.allclose(attn, score / score.sum(1, True))
        elif attn_kind == 'cam':
            u = y @ model.head.fc.weight
            assert torch.allclose(
                attn, torch.einsum('mdr,md->mr', z, u).softmax(1), atol=1e-6)
        else:
            assert torch.allclose(attn, torch.full((6, 4), 0.25))
        z_mix, y_mix, s = dense_multimix(z, y, params['lam'], attn)
        straight = model.classify(z_mix)                       # 1×1 conv
        assert torch.allclose(logits, straight, atol=1e-5)
        assert torch.allclose(out.target, y_mix)
        assert torch.allclose(out.extras['weight'], s)
        assert torch.allclose(out.target.sum(1), torch.ones(30, 4))


def test_dense_multimix_loss_gradients_resolution_and_autocast():
    model, (x, y) = tiny(), batch()
    mixup = DenseMultiMix(n=20)
    logits, out = mixup.forward_train(model, x, y)
    loss = mixup.loss(model, logits, out)
    loss.backward()
    assert torch.isfinite(loss)
    assert model.backbone.stem.weight.grad.abs().sum() > 0
    assert model.head.fc.weight.grad.abs().sum() > 0
    logits, _ = DenseMultiMix(n=7, resolution=1).forward_train(model, x, y)
    assert logits.shape == (7, 5, 1)
    with pytest.raises(ValueError, match='last_stride=1'):
        DenseMultiMix(resolution=4).forward_train(model, x, y)
    wide = tiny(dict(type='PreActResNet', depth=18, base_channels=4,
                     last_stride=1))
    logits, _ = DenseMultiMix(n=7).forward_train(wide, x, y)
    assert logits.shape == (7, 5, 16)           # 4×4 instead of 2×2
    with torch.autocast('cpu', dtype=torch.bfloat16):
        for mixup in (DenseMultiMix(n=8), MultiMix(n=8), AlignMix(),
                      ManifoldMix()):
            logits, out = mixup.forward_train(model, x, y)
            assert torch.isfinite(mixup.loss(model, logits, out))


def test_dense_multimix_needs_spatial_map():
    vit = tiny(dict(type='VisionTransformer', img_size=16, patch_size=8,
                    arch=dict(embed_dims=16, num_layers=1, num_heads=2,
                              feedforward_channels=16)),
               channels=16, neck=None)
    x, y = batch()
    with pytest.raises(ValueError, match='spatial feature map'):
        DenseMultiMix(n=4).forward_train(vit, x, y)


def test_alignmix_identity_plan_is_manifold_mixup_at_last_stage():
    model, (x, y) = tiny(), batch()
    index = torch.tensor([2, 3, 0, 1, 5, 4])
    eye = torch.eye(4).expand(6, 4, 4) / 4
    manifold, mb = ManifoldMix(layers=(4, )).forward_train(
        model, x, y, params=dict(lam=0.4, index=index, layer=4))
    for direction in (0, 1):
        aligned, ab = AlignMix().forward_train(
            model, x, y, params=dict(lam=0.4, index=index,
                                     direction=direction, plan=eye))
        assert torch.allclose(aligned, manifold, atol=1e-5)
        assert torch.allclose(ab.target, mb.target)
    logits, out = AlignMix().forward_train(model, x, y)
    plan = out.extras['plan']
    assert plan.shape == (6, 4, 4)
    assert torch.allclose(plan.sum(1), torch.full((6, 4), 0.25), atol=1e-4)
    assert not torch.allclose(plan, eye, atol=1e-3)
    model.soft_loss(logits, out.target).backward()
    assert model.backbone.stem.weight.grad.abs().sum() > 0


def test_paper_policy_builds():
    policy = MixPolicy([dict(type='MultiMix', prob=0.5),
                        dict(type='Mixup', alpha=1.0, prob=0.5)])
    assert isinstance(policy.choose(0.2), MultiMix)
    assert type(policy.choose(0.7)).__name__ == 'Mixup'


def preact_dense_manual(model, x, layer, fn):
    """As ``preact_manual`` but the classifier applied at every position of
    the last map: logits ``[n, c, r]``."""
    return preact_manual(model, x, layer, fn, dense=True)


@pytest.mark.parametrize('layer', [0, 2])
def test_dense_multimix_at_earlier_layer_equals_manual_forward(layer):
    """Fig. 4(a)'s dense variant at an earlier layer: the map after stage k
    mixed position by position (eqs. 10-13 with attention from that map),
    the rest run densely on the n mixed maps, Ỹ and s average-pooled (Ỹ
    weighted by s) to the last map's 2 x 2 positions."""
    model, (x, y) = tiny(), batch()
    mixup = DenseMultiMix(n=7, alpha=1.0, layer=layer)
    size = 16 if layer == 0 else 8          # the mixed map's side
    r = size * size
    torch.manual_seed(3)
    lam = torch.rand(r, 6, 7).softmax(1)
    logits, out = mixup.forward_train(model, x, y, params=dict(lam=lam))
    assert logits.shape == (7, 5, 4) and out.target.shape == (7, 5, 4)
    assert out.extras['weight'].shape == (7, 4)
    seen = {}

    def mix(h):
        z = h.flatten(2)
        attn = functional.attention(z, z.mean(2), 'l1_relu')
        z_mix, y_mix, s = functional.dense_multimix(z, y, lam, attn)
        seen.update(y=y_mix, s=s)
        return z_mix.reshape(7, *h.shape[1:])
    expect = preact_dense_manual(model, x, layer, mix)
    assert torch.allclose(logits, expect, atol=1e-5)
    # pooling to the last map: each output position averages a block of
    # (size / 2)^2 positions, the targets weighted by s
    block = size // 2
    s = seen['s'].reshape(7, 1, size, size)
    y_map = seen['y'].reshape(7, 5, size, size)
    s_pool = F.avg_pool2d(s, block)
    y_pool = F.avg_pool2d(y_map * s, block) / s_pool
    assert torch.allclose(out.extras['weight'], s_pool.flatten(1), atol=1e-6)
    assert torch.allclose(out.target, y_pool.flatten(2), atol=1e-5)
    assert torch.allclose(out.target.sum(1), torch.ones(7, 4), atol=1e-5)
    loss = mixup.loss(model, logits, out)
    loss.backward()
    assert torch.isfinite(loss) and model.backbone.stem.weight.grad is not None


def test_dense_multimix_layer_errors():
    with pytest.raises(ValueError, match='layer'):
        DenseMultiMix(layer='first')
    with pytest.raises(ValueError, match='cam'):
        DenseMultiMix(layer=2, attention='cam')
    model, (x, y) = tiny(), batch()
    with pytest.raises(ValueError, match='layer 9 does not exist'):
        DenseMultiMix(n=4, layer=9).forward_train(model, x, y)
