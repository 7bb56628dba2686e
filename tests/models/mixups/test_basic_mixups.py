"""Mixup / CutMix / ResizeMix: exact numbers on injected randomness, the
mmpretrain BATCH_AUGMENTS contract, and bad input."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.mixups import CutMix, Mixup, ResizeMix
from mixtoolbox.models.mixups.cutmix import sample_box

MIXUPS = [Mixup, CutMix, ResizeMix]


def batch(n=4, c=3, h=8, w=8, k=5):
    torch.manual_seed(0)
    x = torch.rand(n, c, h, w)
    y = F.one_hot(torch.arange(n) % k, k).float()
    return x, y


def test_mixup_equation():
    x, y = batch()
    index = torch.tensor([2, 0, 3, 1])
    out = Mixup().mix(x, y, lam=0.3, index=index)
    assert torch.allclose(out.inputs, 0.3 * x + 0.7 * x[index], atol=1e-6)
    assert torch.allclose(out.target, 0.3 * y + 0.7 * y[index], atol=1e-6)
    assert torch.allclose(out.lam, torch.full((4, ), 0.3))


def test_mixup_identity_cases():
    x, y = batch()
    same = Mixup().mix(x, y, lam=0.8, index=torch.arange(4))
    assert torch.allclose(same.inputs, x) and torch.allclose(same.target, y)
    full = Mixup().mix(x, y, lam=1.0, index=torch.tensor([1, 0, 3, 2]))
    assert torch.equal(full.inputs, x)


def test_cutmix_box_and_lambda():
    x, y = batch(h=8, w=10)
    index = torch.tensor([1, 2, 3, 0])
    box = (2, 6, 1, 6)  # 4 × 5 pixels of 8 × 10
    out = CutMix(inplace=False).mix(x, y, box=box, index=index)
    expected = x.clone()
    expected[:, :, 2:6, 1:6] = x[index][:, :, 2:6, 1:6]
    assert torch.equal(out.inputs, expected)
    lam = 1 - 20 / 80
    assert torch.allclose(out.target, lam * y + (1 - lam) * y[index])
    assert out.mask.mean().item() == pytest.approx(lam)
    # not in place: the caller's batch is untouched
    assert not torch.equal(out.inputs, x)


def test_cutmix_inplace_matches_copy():
    x, y = batch()
    index = torch.tensor([3, 2, 1, 0])
    ref = CutMix(inplace=False).mix(x, y, box=(0, 4, 0, 8), index=index)
    xin = x.clone()
    out = CutMix(inplace=True).mix(xin, y, box=(0, 4, 0, 8), index=index)
    assert out.inputs.data_ptr() == xin.data_ptr()
    assert torch.equal(out.inputs, ref.inputs)


def test_cutmix_box_clipped_lambda_from_area():
    rng = np.random.RandomState(0)
    for _ in range(50):
        lam = rng.beta(1, 1)
        y1, y2, x1, x2 = sample_box(lam, 32, 24, rng)
        assert 0 <= y1 <= y2 <= 32 and 0 <= x1 <= x2 <= 24
    x, y = batch(h=32, w=24)
    out = CutMix().mix(x, y, box=(30, 32, 20, 24), index=torch.arange(4))
    assert out.lam[0].item() == pytest.approx(1 - 8 / (32 * 24))


def test_resizemix_pastes_resized_partner():
    x, y = batch(h=8, w=8)
    index = torch.tensor([1, 0, 3, 2])
    box = (2, 6, 4, 8)
    out = ResizeMix(inplace=False).mix(x, y, box=box, index=index)
    small = F.interpolate(x[index], size=(4, 4), mode='bilinear',
                          align_corners=False)
    assert torch.allclose(out.inputs[:, :, 2:6, 4:8], small, atol=1e-6)
    assert torch.equal(out.inputs[:, :, :2], x[:, :, :2])
    lam = 1 - 16 / 64
    assert torch.allclose(out.target, lam * y + (1 - lam) * y[index])


def test_resizemix_sampled_scale_within_scope():
    np.random.seed(0)
    x, _ = batch(h=40, w=40)
    mix = ResizeMix(scope=(0.25, 0.5))
    for _ in range(20):
        y1, y2, x1, x2 = mix.sample_params(x)['box']
        assert 10 <= y2 - y1 <= 20 and 10 <= x2 - x1 <= 20
        assert 0 <= y1 and y2 <= 40 and 0 <= x1 and x2 <= 40


@pytest.mark.parametrize('cls', MIXUPS)
def test_call_contract_and_targets_sum_to_one(cls):
    np.random.seed(1)
    x, y = batch()
    out_x, out_y = cls()(x.clone(), y)
    assert out_x.shape == x.shape and out_y.shape == y.shape
    assert torch.allclose(out_y.sum(1), torch.ones(4))
    assert not torch.equal(out_x, x) or torch.equal(out_y, y)


@pytest.mark.parametrize('cls', MIXUPS)
def test_batch_of_one_passes_through(cls):
    x, y = batch(n=1)
    out_x, out_y = cls()(x, y)
    assert torch.equal(out_x, x) and torch.equal(out_y, y)
    assert torch.allclose(out_y.sum(1), torch.ones(1))


@pytest.mark.parametrize('cls', MIXUPS)
def test_params_replay_gives_same_batch(cls):
    np.random.seed(2)
    x, y = batch()
    mixup = cls(inplace=False) if cls is not Mixup else cls()
    params = mixup.sample_params(x)
    a = mixup.mix(x, y, **params)
    b = mixup.mix(x, y, **a.params)
    assert torch.equal(a.inputs, b.inputs) and torch.equal(a.target, b.target)


@pytest.mark.parametrize('cls', MIXUPS)
def test_bad_shapes(cls):
    x, y = batch()
    with pytest.raises(ValueError, match='4-D'):
        cls()(x[0], y)
    with pytest.raises(ValueError, match=r'\[N, K\]'):
        cls()(x, y[:, 0])
    with pytest.raises(ValueError, match=r'\[N, K\]'):
        cls()(x, y[:3])
    with pytest.raises(TypeError, match='tensors'):
        cls()(x, y.tolist())


@pytest.mark.parametrize('cls', MIXUPS)
def test_integer_one_hot_scores_become_float(cls):
    x, y = batch()
    _, out = cls()(x.clone(), y.long())
    assert out.is_floating_point()
    assert torch.allclose(out.sum(1), torch.ones(4))


@pytest.mark.parametrize('cls', [Mixup, CutMix])
@pytest.mark.parametrize('alpha', [0, -1.0, float('nan'), float('inf')])
def test_bad_alpha_value(cls, alpha):
    with pytest.raises(ValueError, match='alpha'):
        cls(alpha=alpha)


@pytest.mark.parametrize('cls', [Mixup, CutMix])
@pytest.mark.parametrize('alpha', ['1', None, True])
def test_bad_alpha_type(cls, alpha):
    with pytest.raises(TypeError, match='alpha'):
        cls(alpha=alpha)


@pytest.mark.parametrize('scope', [(0.0, 0.5), (0.5, 1.2), (0.8, 0.2),
                                   (-0.1, 0.5)])
def test_resizemix_scope_outside_unit_interval(scope):
    with pytest.raises(ValueError, match='scope'):
        ResizeMix(scope=scope)


@pytest.mark.parametrize('scope', [0.5, (0.1, 0.2, 0.3), ('a', 0.5)])
def test_resizemix_scope_type(scope):
    with pytest.raises(TypeError, match='scope'):
        ResizeMix(scope=scope)


def test_resizemix_bad_interpolation():
    with pytest.raises(ValueError, match='interpolation'):
        ResizeMix(interpolation='lanczos')


@pytest.mark.parametrize('name', ['Mixup', 'CutMix', 'ResizeMix'])
def test_used_unchanged_by_mmpretrain_image_classifier(name):
    """The BATCH_AUGMENTS contract: mmpretrain's own ImageClassifier and
    RandomBatchAugment build and call our mixups from `train_cfg`."""
    from mmengine.registry import DefaultScope
    from mmpretrain.models import ImageClassifier
    from mmpretrain.structures import DataSample
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = ImageClassifier(
            backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=8),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=5, in_channels=64,
                      loss=dict(type='CrossEntropyLoss', use_soft=True)),
            data_preprocessor=dict(num_classes=5),
            train_cfg=dict(augments=[dict(type=f'mixtoolbox.{name}')]))
    augments = model.data_preprocessor.batch_augments.augments
    assert type(augments[0]).__name__ == name
    assert type(augments[0]).__module__.startswith('mixtoolbox')
    samples = [DataSample().set_gt_label(i % 5) for i in range(4)]
    data = dict(inputs=[torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8)
                        for _ in range(4)], data_samples=samples)
    data = model.data_preprocessor(data, training=True)
    scores = torch.stack([s.gt_score for s in data['data_samples']])
    assert torch.allclose(scores.sum(1), torch.ones(4))
    losses = model.loss(**data)
    assert torch.isfinite(losses['loss'])
