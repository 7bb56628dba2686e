"""AutoMix / SAMix momentum pipeline (SAMix, arXiv:2111.15454v1, App. A.1.2) on
a tiny PreActResNet (width 8, 32×32, batch 4)."""
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mixtoolbox.models.classifiers.automix_classifier import early_grad
from mixtoolbox.models.utils import ema_weight_of_new
from mixtoolbox.registry import MODELS

K = 5


def build(**kwargs):
    cfg = dict(
        type='AutoMixClassifier',
        backbone=dict(type='PreActResNet', depth=18, base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=K, in_channels=64,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        # no dropout: two forwards of the same batch must agree exactly
        mixer=dict(type='SAMixMixer', in_channels=32, dropout=0.0))
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.train()
    model.momentum_update()  # what the first loss() does: θ_k = θ_q
    return model


def batch(n=4):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 3, 32, 32, generator=g)
    labels = torch.arange(n) % K
    return x, F.one_hot(labels, K).float(), \
        [DataSample().set_gt_label(int(i)) for i in labels]


PARAMS = dict(lam_k=0.3, lam_q=0.6, index_k=torch.tensor([1, 2, 3, 0]),
              index_q=torch.tensor([3, 0, 1, 2]), adjust=False)


def grads(module):
    return [p.grad for p in module.parameters()]


def test_loss_step_is_finite_and_updates_momentum_net():
    model = build()
    x, _, samples = batch()
    losses = model.loss(x, samples)
    assert set(losses) == {'loss_mixer', 'loss_mask', 'loss_mix',
                           'loss_clean'}
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    assert model.momentum_net.steps.item() == 2
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert all(torch.isfinite(v) for v in model.loss(x, samples).values())
    one = model.loss(x[:1], samples[:1])
    assert set(one) == {'loss'} and torch.isfinite(one['loss'])
    assert 'loss_clean' not in build(clean_loss_weight=0.0).loss(x, samples)


def test_no_gradient_leaks():
    model = build()
    x, y, _ = batch()
    losses = model.mix_losses(x, y, PARAMS)
    # the online loss never reaches the Mixer (its mask is detached)
    (losses['loss_mix'] + losses['loss_clean']).backward(retain_graph=True)
    assert all(g is None for g in grads(model.mixer))
    assert any(g is not None for g in grads(model.backbone))
    model.zero_grad(set_to_none=True)
    # the Mixer's losses train the Mixer only, through the frozen momentum net
    (losses['loss_mixer'] + losses['loss_mask']).backward(retain_graph=True)
    assert all(g is not None for g in grads(model.mixer))
    assert all(g is None for g in grads(model.backbone) + grads(model.head))
    # and nothing ever reaches the momentum network's weights
    sum(losses.values()).backward()
    momentum_params = list(model.momentum_net.parameters())
    assert momentum_params and all(
        not p.requires_grad and p.grad is None for p in momentum_params)


def test_eta_changes_the_mixer_gradient():
    model = build()
    x, y, _ = batch()
    result = []
    for eta in (0.5, 1.0):
        model.zero_grad(set_to_none=True)
        model.mixer_loss.eta = eta
        model.mix_losses(x, y, PARAMS)['loss_mixer'].backward()
        result.append(model.mixer.proj.weight.grad.clone())
    assert result[0].abs().sum() > 0
    assert not torch.allclose(result[0], result[1])


def test_momentum_convention_and_ema_update():
    assert ema_weight_of_new(0.999) == pytest.approx(0.001)
    model = build(momentum=0.9)
    assert model.momentum == pytest.approx(0.9)
    assert model.momentum_net.momentum == pytest.approx(0.1)
    old = model.momentum_net.module.head.fc.bias.clone()
    with torch.no_grad():
        model.head.fc.bias.add_(1.0)
    model.momentum_update()
    torch.testing.assert_close(model.momentum_net.module.head.fc.bias,
                               old + 0.1)  # 0.9·old + 0.1·(old + 1)
    model.momentum = 1.0  # the end of the cosine schedule freezes θ_k
    model.momentum_update()
    torch.testing.assert_close(model.momentum_net.module.head.fc.bias,
                               old + 0.1)
    with pytest.raises(ValueError, match='momentum'):
        model.momentum = 1.5


def test_momentum_features_are_the_layer3_maps():
    model = build()
    x = batch()[0]
    bb = model.backbone
    with torch.no_grad():
        want = bb.layer3(bb.layer2(bb.layer1(bb.stem(x))))
    got = model.momentum_features(x)
    assert got.shape == (4, 32, 8, 8)
    torch.testing.assert_close(got, want)
    # the tap is removed afterwards: a full forward still works
    assert model.momentum_logits(x).shape == (4, K)


def test_online_batch_margin_and_adjusting():
    model = build()
    x, y, _ = batch()
    feats = model.momentum_features(x)
    index = PARAMS['index_q']
    plain = model.online_batch(x, y, feats, 0.05, index)  # within 0.08
    torch.testing.assert_close(plain.inputs, 0.05 * x + 0.95 * x[index])
    adjusted = model.online_batch(x, y, feats, 0.4, index, adjust=True)
    torch.testing.assert_close(adjusted.mask.mean(dim=(1, 2, 3)),
                               torch.full((4, ), 0.4))
    torch.testing.assert_close(adjusted.target, 0.4 * y + 0.6 * y[index])
    s = adjusted.mask
    torch.testing.assert_close(adjusted.inputs, s * x + (1 - s) * x[index])
    assert not adjusted.mask.requires_grad


def test_state_dict_holds_mixer_and_momentum_net():
    model = build()
    x, _, samples = batch()
    model.loss(x, samples)
    state = model.state_dict()
    for key in ('mixer.proj.weight', 'mixer.gamma', 'momentum_net.steps',
                'momentum_net.module.backbone.stem.weight',
                'momentum_net.module.head.fc.weight'):
        assert key in state
    fresh = build()
    fresh.load_state_dict(state)
    for key, value in fresh.state_dict().items():
        torch.testing.assert_close(value, state[key])


@pytest.mark.parametrize('kwargs, match', [
    (dict(mix_policy=[dict(type='Mixup')]), 'mix_policy'),
    (dict(mask_layer=0), 'mask_layer'),
    (dict(mask_layer=5), 'mask_layer'),
    (dict(alpha=0.0), 'alpha'),
    (dict(lam_margin=0.6), 'lam_margin'),
    (dict(lam_adjust=1.5), 'lam_adjust'),
    (dict(clean_loss_weight=-1.0), 'clean_loss_weight'),
    (dict(early_grads=1), 'early_grads'),
    (dict(momentum=1.001), 'momentum'),
    (dict(head=dict(type='LinearClsHead', num_classes=K, in_channels=64,
                    loss=dict(type='CrossEntropyLoss'))), 'use_soft'),
    (dict(backbone=dict(type='LeNet5'), neck=None), 'res_layers'),
])
def test_bad_config(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


def test_early_grad_keeps_value_and_gradient():
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    unused = torch.zeros(1, requires_grad=True)
    loss = (w ** 3).sum()
    out = early_grad(loss, [w, unused])
    assert out.item() == loss.item()
    assert loss.grad_fn is not None and out.grad_fn is not None
    (2 * out).backward()
    assert torch.equal(w.grad, 2 * 3 * torch.tensor([1.0, 4.0]))
    assert unused.grad is None


@pytest.mark.parametrize('clean', [0.0, 1.0])
def test_early_grads_give_the_same_step(clean):
    """Freeing the Mixer's and the clean pass's graphs early changes neither
    the logged losses nor any gradient of the step."""
    x, y, _ = batch()
    result = []
    for early in (False, True):
        model = build(early_grads=early, clean_loss_weight=clean)
        losses = model.mix_losses(x, y, PARAMS)
        sum(losses.values()).backward()
        result.append((losses, {n: p.grad for n, p in model.named_parameters()
                                if p.grad is not None}))
    (plain, plain_grads), (early, early_grads) = result
    assert set(plain) == set(early)
    for key in plain:
        torch.testing.assert_close(early[key], plain[key])
    assert set(plain_grads) == set(early_grads)
    assert any(n.startswith('mixer.') for n in early_grads)
    for name, grad in plain_grads.items():
        torch.testing.assert_close(early_grads[name], grad, msg=name)
