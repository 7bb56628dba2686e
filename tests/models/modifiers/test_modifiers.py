"""DenseLoss and SelfDistill as modifiers of any mixup."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mixtoolbox.models.feature_mixups import dense_weighted_ce
from mixtoolbox.models.modifiers import MultiViewDataPreprocessor
from mixtoolbox.registry import MODELS


def tiny(mix_policy=(), modifiers=(), backbone=None, channels=32, **kw):
    torch.manual_seed(0)
    cfg = dict(type='MixupClassifier',
               backbone=backbone or dict(type='PreActResNet', depth=18,
                                         base_channels=4),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=5,
                         in_channels=channels,
                         loss=dict(type='CrossEntropyLoss', use_soft=True)),
               mix_policy=list(mix_policy),
               modifiers=list(modifiers) if isinstance(modifiers, tuple)
               else modifiers)
    cfg.update(kw)
    return MODELS.build(cfg).train()


def data(m=6, size=16):
    torch.manual_seed(1)
    x = torch.randn(m, 3, size, size)
    samples = [DataSample().set_gt_label(i % 5) for i in range(m)]
    return x, samples, F.one_hot(torch.arange(m) % 5, 5).float()


def fixed(mixup, **params):
    """Make ``mixup`` draw exactly ``params`` (injected randomness)."""
    mixup.sample_params = lambda inputs: dict(params)
    return mixup


# ------------------------------------------------------------- DenseLoss
def test_dense_loss_mixup_is_mean_ce_over_positions():
    model = tiny([dict(type='Mixup')], [dict(type='DenseLoss')])
    x, samples, y = data()
    index = torch.tensor([1, 0, 3, 2, 5, 4])
    fixed(model.policy.mixups[0], lam=0.3, index=index)
    loss = model.loss(x, samples)['loss']
    mixed = 0.3 * x + 0.7 * x[index]
    fmap = F.relu(model.backbone(mixed)[-1])            # [6, 32, 2, 2]
    logits = torch.einsum('ndhw,cd->nchw', fmap, model.head.fc.weight) + \
        model.head.fc.bias[:, None, None]
    target = (0.3 * y + 0.7 * y[index])[:, :, None, None]
    expect = -(target * logits.log_softmax(1)).sum(1).mean()
    assert torch.allclose(loss, expect, atol=1e-5)


def test_dense_loss_cutmix_uses_per_position_targets():
    model = tiny([dict(type='CutMix', inplace=False)],
                 [dict(type='DenseLoss')])
    x, samples, y = data()
    index = torch.tensor([1, 0, 3, 2, 5, 4])
    fixed(model.policy.mixups[0], box=(0, 8, 0, 8), index=index)
    loss = model.loss(x, samples)['loss']
    mixed = x.clone()
    mixed[:, :, :8, :8] = x[index, :, :8, :8]
    logits = model.classify(model.dense_embed(mixed))  # [6, 5, 2, 2]
    # the pasted box covers exactly the top-left cell of the 2×2 map
    share = torch.tensor([[0., 1.], [1., 1.]])
    target = share * y[:, :, None, None] + (1 - share) * y[index][:, :, None,
                                                                   None]
    expect = -(target * logits.log_softmax(1)).sum(1).mean()
    assert torch.allclose(loss, expect, atol=1e-5)


def test_dense_loss_at_resolution_1_equals_pooled_loss():
    # g_W is affine, so the 1×1 dense logit is the logit of the pooled map
    dense = tiny([dict(type='Mixup')], [dict(type='DenseLoss', resolution=1)])
    plain = tiny([dict(type='Mixup')])
    x, samples, _ = data()
    for model in (dense, plain):
        fixed(model.policy.mixups[0], lam=0.7,
              index=torch.tensor([5, 4, 3, 2, 1, 0]))
    assert torch.allclose(dense.loss(x, samples)['loss'],
                          plain.loss(x, samples)['loss'], atol=1e-5)


def test_dense_loss_with_multimix_is_the_loss_only_dense_row():
    model = tiny([dict(type='MultiMix', n=11)], [dict(type='DenseLoss')])
    x, samples, y = data()
    lam = torch.rand(6, 11).softmax(0)
    fixed(model.policy.mixups[0], lam=lam)
    loss = model.loss(x, samples)['loss']
    logits = torch.einsum('mn,mchw->nchw', lam,
                          model.classify(model.dense_embed(x)))
    target = (lam.t() @ y)[:, :, None, None]
    assert torch.allclose(loss, -(target * logits.log_softmax(1)).sum(1)
                          .mean(), atol=1e-5)


def test_dense_loss_errors():
    with pytest.raises(ValueError, match='resolution'):
        tiny(modifiers=[dict(type='DenseLoss', resolution=0)])
    with pytest.raises(TypeError, match='nn.Linear'):
        tiny(modifiers=[dict(type='DenseLoss')],
             head=dict(type='StackedLinearClsHead', num_classes=5,
                       in_channels=32, mid_channels=[8],
                       loss=dict(type='CrossEntropyLoss', use_soft=True)))
    with pytest.raises(TypeError, match='modifiers'):
        tiny(modifiers=dict(type='DenseLoss'))
    with pytest.raises(TypeError, match='not a modifier'):
        tiny(modifiers=[dict(type='GlobalAveragePooling')])
    vit = tiny(modifiers=[dict(type='DenseLoss')], channels=16, neck=None,
               backbone=dict(type='VisionTransformer', img_size=16,
                             patch_size=8,
                             arch=dict(embed_dims=16, num_layers=1,
                                       num_heads=2, feedforward_channels=16)))
    x, samples, _ = data()
    with pytest.raises(ValueError, match='spatial feature map'):
        vit.loss(x, samples)


# ----------------------------------------------------------- SelfDistill
def test_self_distill_errors():
    for gamma in (-0.1, 1.5, 'half'):
        with pytest.raises(ValueError, match='gamma'):
            tiny(modifiers=[dict(type='SelfDistill', gamma=gamma)])
    for momentum in (0, 1, -1):
        with pytest.raises(ValueError, match='momentum'):
            tiny(modifiers=[dict(type='SelfDistill', momentum=momentum)])
    model = tiny([dict(type='Mixup')], [dict(type='SelfDistill')])
    x, samples, _ = data()
    with pytest.raises(ValueError, match='MultiView'):
        model.loss(x, samples)
    plain = tiny([dict(type='Mixup')])
    with pytest.raises(ValueError, match='SelfDistill'):
        plain.loss([x, x], samples)


MIXUPS = [
    (dict(type='Mixup'), dict(lam=0.3, index=torch.tensor([1, 0, 3, 2, 5,
                                                           4]))),
    (dict(type='CutMix', inplace=False),
     dict(box=(0, 8, 4, 12), index=torch.tensor([2, 3, 0, 1, 5, 4]))),
    (dict(type='ManifoldMix'),
     dict(lam=0.6, index=torch.tensor([5, 4, 3, 2, 1, 0]), layer=2)),
    (dict(type='MultiMix', n=13), dict(lam=torch.rand(6, 13).softmax(0))),
    (dict(type='DenseMultiMix', n=13),
     dict(lam=torch.rand(4, 6, 13).softmax(1))),
    (dict(type='AlignMix'), dict(lam=0.4, direction=1,
                                 index=torch.tensor([1, 2, 0, 4, 5, 3]))),
    (None, None),
]


@pytest.mark.parametrize('mix,params', MIXUPS)
@pytest.mark.parametrize('dense', [False, True])
def test_self_distill_replays_the_mixing_on_the_teacher(mix, params, dense):
    """Step 0: teacher = student and both views equal, so the teacher
    reproduces the student's logits exactly iff it replays the same Λ / λ /
    box / permutation; the distillation term is then the student's own
    entropy, and the label term is the plain mixup loss times γ."""
    mods = [dict(type='DenseLoss')] if dense else []
    model = tiny([mix] if mix else [], mods + [dict(type='SelfDistill',
                                                    gamma=0.25)])
    x, samples, _ = data()
    if mix:
        fixed(model.policy.mixups[0], **params)
    losses = model.loss([x, x.clone()], samples)
    assert set(losses) == {'loss', 'loss_distill'}
    # recompute the student side with the same randomness
    reference = tiny([mix] if mix else [], mods)
    reference.load_state_dict(model.state_dict(), strict=False)
    if mix:
        fixed(reference.policy.mixups[0], **params)
    assert torch.allclose(losses['loss'],
                          0.25 * reference.loss(x, samples)['loss'],
                          atol=1e-5)
    net = reference.network_view(reference)
    if mix:
        logits, batch = reference.policy.mixups[0].forward_train(
            net, x, data()[2])
    else:
        logits = net.head(net.extract_feat(x))
    probs = logits.detach().float().softmax(1)
    if isinstance(mix, dict) and mix['type'] == 'DenseMultiMix':
        entropy = dense_weighted_ce(logits, probs, batch.extras['weight'])
    else:
        entropy = -(probs * logits.log_softmax(1)).sum(1).mean()
    assert torch.allclose(losses['loss_distill'], 0.75 * entropy, atol=1e-4)


def test_self_distill_teacher_is_ema_of_student_and_gets_no_gradient():
    model = tiny([dict(type='MultiMix', n=8)],
                 [dict(type='SelfDistill', momentum=0.25)])
    distill = model.modifiers[0]
    teacher = distill.teacher.module
    assert not any(p.requires_grad for p in teacher.parameters())
    assert 'modifiers.0.teacher.module.backbone.stem.weight' in \
        model.state_dict()
    x, samples, _ = data()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                          lr=0.5)
    sum(model.loss([x, x + 0.1], samples).values()).backward()
    # first step: the teacher became a copy of the student
    w_teacher0 = teacher.head.fc.weight.clone()
    assert torch.equal(w_teacher0, model.head.fc.weight)
    assert all(p.grad is None for p in teacher.parameters())
    opt.step()
    opt.zero_grad()
    w_student1 = model.head.fc.weight.detach().clone()
    assert not torch.allclose(w_student1, w_teacher0)
    model.loss([x, x + 0.1], samples)
    assert torch.allclose(teacher.head.fc.weight,
                          0.75 * w_teacher0 + 0.25 * w_student1, atol=1e-6)
    # default ema_buffers=True: BN running statistics are averaged like
    # the weights (teacher <- 0.75 teacher + 0.25 student)
    bn_teacher = teacher.backbone.final_bn.running_mean.clone()
    bn_student = model.backbone.final_bn.running_mean.clone()
    assert not torch.allclose(bn_teacher, bn_student)
    distill.before_step(model)
    assert torch.allclose(teacher.backbone.final_bn.running_mean,
                          0.75 * bn_teacher + 0.25 * bn_student, atol=1e-6)


def test_self_distill_ema_buffers_false_copies_the_student_statistics():
    model = tiny([dict(type='MultiMix', n=8)],
                 [dict(type='SelfDistill', momentum=0.25,
                       ema_buffers=False)])
    distill = model.modifiers[0]
    x, samples, _ = data()
    model.loss([x, x + 0.1], samples)
    model.loss([x * 2, x * 2 + 0.1], samples)
    distill.before_step(model)
    assert torch.equal(distill.teacher.module.backbone.final_bn.running_mean,
                       model.backbone.final_bn.running_mean)
    with pytest.raises(TypeError, match='ema_buffers'):
        tiny(modifiers=[dict(type='SelfDistill', ema_buffers=1)])


def test_self_distill_gamma_one_is_the_plain_loss_and_state_roundtrip():
    model = tiny([dict(type='Mixup')], [dict(type='SelfDistill', gamma=1)])
    x, samples, _ = data()
    index = torch.tensor([1, 0, 3, 2, 5, 4])
    fixed(model.policy.mixups[0], lam=0.5, index=index)
    losses = model.loss([x, x.flip(3)], samples)
    assert losses['loss_distill'].item() == 0
    clone = tiny([dict(type='Mixup')], [dict(type='SelfDistill', gamma=1)])
    clone.load_state_dict(copy.deepcopy(model.state_dict()))
    assert int(clone.modifiers[0].teacher.steps) == 1


def test_multi_view_data_preprocessor():
    pre = MultiViewDataPreprocessor(mean=[1.0], std=[2.0], num_classes=5)
    samples = [DataSample().set_gt_label(i) for i in range(3)]
    imgs = [torch.full((1, 4, 4), float(i), dtype=torch.uint8)
            for i in range(3)]
    for inputs in ([imgs, [t + 1 for t in imgs]],                # pseudo
                   [torch.stack(imgs), torch.stack(imgs) + 1]):  # default
        out = pre(dict(inputs=inputs, data_samples=samples), training=True)
        assert isinstance(out['inputs'], list) and len(out['inputs']) == 2
        assert torch.allclose(out['inputs'][1] - out['inputs'][0],
                              torch.full((3, 1, 4, 4), 0.5))
        assert out['inputs'][0][2].mean().item() == pytest.approx(0.5)
    single = pre(dict(inputs=imgs, data_samples=samples))
    assert single['inputs'].shape == (3, 1, 4, 4)
    with pytest.raises(ValueError, match='batch_augments'):
        MultiViewDataPreprocessor(batch_augments=dict(augments=[]))
