import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS as MMPRE_MODELS
from mmpretrain.structures import DataSample

from mixtoolbox.models.mixups import FMix
from mixtoolbox.models.mixups.fmix import low_freq_image, top_mask
from tests.models.mixups.helpers import assert_bf16_call


def test_low_freq_image_has_power_law_spectrum():
    # FMix §3: the grey image is the inverse FFT of Gaussian coefficients
    # scaled by 1/f^δ; off the self-conjugate columns the round trip must
    # give back exactly those coefficients.
    h, w, decay = 12, 10, 3.0
    noise = torch.randn(2, h, w // 2 + 1, dtype=torch.float64)
    grey = low_freq_image(noise, h, w, decay)
    spec = torch.fft.rfft2(grey.double())
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    freq = np.maximum(np.sqrt(fy ** 2 + fx ** 2), 1 / max(h, w))
    expected = (noise[0].numpy() + 1j * noise[1].numpy()) / freq ** decay
    cols = slice(1, w // 2)  # DC and Nyquist columns are made Hermitian
    np.testing.assert_allclose(spec[:, cols].numpy(), expected[:, cols],
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('lam,num', [(0.0, 0), (0.013, 1), (0.3, 19),
                                     (0.5, 32), (5 / 9, 35), (1.0, 63)])
def test_top_mask_mean_and_threshold(lam, num):
    grey = torch.randn(7, 9)
    mask = top_mask(grey, lam)
    hw = 63
    assert mask.shape == (1, 1, 7, 9)
    assert mask.sum().item() == num  # ⌈λ·HW⌉, exact when λ·HW is whole
    assert lam <= mask.mean().item() < lam + 1 / hw + 1e-9
    on, off = grey[mask[0, 0] == 1], grey[mask[0, 0] == 0]
    if len(on) and len(off):
        assert on.min() > off.max()  # the top quantile, nothing else


def test_mix_equation_and_targets():
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 8, 6), torch.eye(4)
    index = torch.tensor([2, 3, 0, 1])
    noise = torch.randn(2, 8, 4)
    out = FMix().mix(x, y, lam=0.4, noise=noise, index=index)
    m = top_mask(low_freq_image(noise, 8, 6, 3.0), 0.4)
    share = m.mean()
    assert torch.allclose(out.inputs, m * x + (1 - m) * x[index])
    assert torch.allclose(out.target, share * y + (1 - share) * y[index])
    assert torch.allclose(out.target.sum(1), torch.ones(4))
    assert torch.allclose(out.lam, share.expand(4))
    assert share.item() == pytest.approx(20 / 48)  # ⌈0.4 · 48⌉ / 48


@pytest.mark.parametrize('size', [(28, 28), (7, 5), (33, 64)])
def test_mask_follows_input_size(size):
    x = torch.rand(3, 1, *size)
    fmix = FMix()
    params = fmix.sample_params(x)
    out = fmix.mix(x, torch.eye(3), **params)
    assert out.mask.shape == (1, 1, *size)
    hw = size[0] * size[1]
    assert params['lam'] <= out.mask.mean().item() < params['lam'] + 1 / hw


def test_identity_at_lam_one():
    x, y = torch.rand(3, 2, 5, 5), torch.eye(3)
    out = FMix().mix(x, y, lam=1.0, noise=torch.randn(2, 5, 3),
                     index=torch.tensor([1, 2, 0]))
    assert torch.equal(out.inputs, x)
    assert torch.equal(out.target, y)


def test_replay_and_autocast():
    x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
    fmix = FMix(alpha=0.2, decay_power=2)
    out = fmix.mix(x, y, **fmix.sample_params(x))
    assert torch.equal(fmix.mix(x, y, **out.params).inputs, out.inputs)
    assert_bf16_call(fmix, x)


def test_errors():
    with pytest.raises(ValueError, match='alpha'):
        FMix(alpha=0)
    with pytest.raises(ValueError, match='decay_power'):
        FMix(decay_power=-1)
    with pytest.raises(TypeError, match='decay_power'):
        FMix(decay_power='3')
    with pytest.raises(ValueError, match='noise'):
        FMix().mix(torch.rand(2, 1, 8, 8), torch.eye(2), lam=0.5,
                   noise=torch.randn(2, 4, 4), index=torch.tensor([1, 0]))


@pytest.mark.parametrize('cfg', [
    dict(type='mixtoolbox.FMix'),
    dict(type='mixtoolbox.GridMix', grid_size=2),
    dict(type='mixtoolbox.SmoothMix'),
    dict(type='mixtoolbox.SaliencyMix'),
    dict(type='mixtoolbox.ZetaMixup'),
])
def test_mmpretrain_image_classifier_train_cfg_augments(cfg):
    """The BATCH_AUGMENTS contract: mmpretrain's own ImageClassifier mixes
    with our mixups through ``train_cfg.augments`` (its preprocessor hands
    over int64 one-hot scores)."""
    torch.manual_seed(0)
    model = MMPRE_MODELS.build(dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='mmpretrain.ResNet_CIFAR', depth=18,
                      stem_channels=8, base_channels=8),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=5,
                  in_channels=64,
                  loss=dict(type='mmpretrain.CrossEntropyLoss',
                            use_soft=True)),
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=5),
        train_cfg=dict(augments=[cfg])))
    data = dict(
        inputs=[torch.randint(0, 256, (3, 16, 16), dtype=torch.uint8)
                for _ in range(4)],
        data_samples=[DataSample().set_gt_label(i) for i in range(4)])
    data = model.data_preprocessor(data, training=True)
    scores = torch.stack([s.gt_score for s in data['data_samples']])
    assert not torch.equal(scores, torch.eye(5)[:4])  # it did mix
    assert torch.allclose(scores.sum(1), torch.ones(4))
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss'])
    losses['loss'].backward()
