"""MixupClassifier and its mixing policy."""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mixtoolbox.models.classifiers import MixPolicy, MixupClassifier
from mixtoolbox.registry import MODELS
from tests.tiny_model import tiny_classifier


def tiny_cfg(**kwargs):
    return tiny_classifier(3, **kwargs)


def samples(n):
    return [DataSample().set_gt_label(i % 3) for i in range(n)]


def test_policy_probabilities_choose():
    policy = MixPolicy([dict(type='Mixup', prob=0.25),
                        dict(type='CutMix', prob=0.5)])
    assert type(policy.choose(0.1)).__name__ == 'Mixup'
    assert type(policy.choose(0.3)).__name__ == 'CutMix'
    assert type(policy.choose(0.74)).__name__ == 'CutMix'
    assert policy.choose(0.75) is None
    assert policy.choose(0.99) is None
    np.random.seed(0)
    picks = [type(policy.choose()).__name__ for _ in range(4000)]
    assert abs(picks.count('Mixup') / 4000 - 0.25) < 0.03
    assert abs(picks.count('NoneType') / 4000 - 0.25) < 0.03


def test_single_mixup_without_prob_always_used():
    policy = MixPolicy([dict(type='CutMix')])
    assert all(policy.choose(u) is not None for u in (0.0, 0.5, 0.999))


@pytest.mark.parametrize('mixups, match', [
    ([dict(type='Mixup', prob=0.7), dict(type='CutMix', prob=0.4)],
     'sum to at most 1'),
    ([dict(type='Mixup', prob=-0.1)], r'prob must be a number in \[0, 1\]'),
    ([dict(type='Mixup', prob=1.5)], r'prob must be a number in \[0, 1\]'),
    ([dict(type='Mixup'), dict(type='CutMix', prob=0.5)], 'needs a `prob`'),
    ([dict(type='NoSuchMix')], 'unknown mixup type .*Mixup.*CutMix'),
])
def test_policy_bad_input(mixups, match):
    with pytest.raises(ValueError, match=match):
        MixPolicy(mixups)


def test_policy_bad_types():
    with pytest.raises(TypeError, match='list of mixup configs'):
        MixPolicy('Mixup')
    with pytest.raises(TypeError, match='`type`'):
        MixPolicy([dict(alpha=1.0)])


def test_unknown_type_lists_registered_mixups():
    with pytest.raises(ValueError) as err:
        MODELS.build(tiny_cfg(mix_policy=[dict(type='Mixupp')]))
    for name in ('Mixup', 'CutMix', 'ResizeMix'):
        assert name in str(err.value)


def test_mixup_error_raised_at_build_time():
    with pytest.raises(ValueError, match='alpha'):
        MODELS.build(tiny_cfg(mix_policy=[dict(type='Mixup', alpha=0)]))


def test_hard_label_loss_refused():
    head = dict(type='LinearClsHead', num_classes=3, in_channels=32,
                loss=dict(type='CrossEntropyLoss'))
    with pytest.raises(ValueError, match='use_soft=True'):
        MODELS.build(tiny_cfg(head=head))


def test_policy_and_augments_together_refused():
    with pytest.raises(ValueError, match='not both'):
        MODELS.build(tiny_cfg(train_cfg=dict(
            augments=[dict(type='Mixup', alpha=1.0)])))


@pytest.mark.parametrize('mixup', ['Mixup', 'CutMix', 'ResizeMix'])
def test_loss_step_trains_backbone(mixup):
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg(mix_policy=[dict(type=mixup)]))
    assert isinstance(model, MixupClassifier)
    losses = model.loss(torch.randn(4, 3, 16, 16), samples(4))
    assert torch.isfinite(losses['loss'])
    losses['loss'].backward()
    grad = model.backbone.stem.weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_loss_equals_soft_ce_on_the_mixed_batch():
    """The classifier's loss is exactly H(ỹ, softmax(f(x̃))) for the batch
    the mixup produced (checked by replaying the drawn randomness)."""
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg()).eval()  # eval: BN uses running stats
    x = torch.randn(4, 3, 16, 16)
    data = samples(4)
    np.random.seed(3)
    torch.manual_seed(3)
    loss = model.loss(x, data)['loss']
    np.random.seed(3)
    torch.manual_seed(3)
    np.random.random_sample()  # the policy's draw
    mixup = model.policy.mixups[0]
    params = mixup.sample_params(x)
    y = torch.eye(3)[torch.arange(4) % 3]
    mixed = mixup.mix(x, y, **params)
    logits = model.head(model.extract_feat(mixed.inputs))
    expected = -(mixed.target * logits.log_softmax(1)).sum(1).mean()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)


def test_batch_of_one_is_not_mixed():
    model = MODELS.build(tiny_cfg())
    model.train()
    losses = model.loss(torch.randn(1, 3, 16, 16), samples(1))
    assert torch.isfinite(losses['loss'])


def test_no_policy_is_plain_mmpretrain_training():
    model = MODELS.build(tiny_cfg(
        mix_policy=[],
        head=dict(type='LinearClsHead', num_classes=3, in_channels=32,
                  loss=dict(type='CrossEntropyLoss'))))
    assert len(model.policy) == 0
    losses = model.loss(torch.randn(2, 3, 16, 16), samples(2))
    assert torch.isfinite(losses['loss'])


def test_predict_path_unchanged():
    model = MODELS.build(tiny_cfg()).eval()
    out = model.predict(torch.randn(2, 3, 16, 16))
    assert out[0].pred_score.shape == (3, )


def test_saliency_leaves_no_gradient_on_weights():
    model = MODELS.build(tiny_cfg())
    sal = model.saliency(torch.randn(2, 3, 16, 16), torch.eye(3)[:2])
    assert sal.shape == (2, 16, 16) and (sal >= 0).all()
    assert all(p.grad is None for p in model.parameters())


def test_bf16_autocast_on_cpu():
    model = MODELS.build(tiny_cfg(mix_policy=[dict(type='CutMix')]))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model.loss(torch.randn(4, 3, 16, 16), samples(4))
    assert torch.isfinite(losses['loss'].float())
