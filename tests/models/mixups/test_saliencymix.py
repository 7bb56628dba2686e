import os.path as osp

import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import SaliencyMix
from mixtoolbox.models.mixups.saliencymix import (
    fine_grained_saliency,
    saliency_peaks,
    spectral_residual_saliency,
)
from tests.models.mixups.helpers import assert_bf16_call

# (top, left) of a bright 4x4 square on a dim noisy 32x32 background
BLOBS = [(5, 20), (24, 3), (14, 12), (2, 2)]


def blob_images():
    g = torch.Generator().manual_seed(0)
    x = 0.1 * torch.rand(len(BLOBS), 3, 32, 32, generator=g)
    for i, (t, lf) in enumerate(BLOBS):
        x[i, :, t:t + 4, lf:lf + 4] += 1.0
    return x


def test_saliency_peak_per_image_on_its_object():
    x = blob_images()
    sal = spectral_residual_saliency(x)
    assert sal.shape == (4, 32, 32)
    # (the fine-grained detector rescales its on and off channels apart:
    # the darkest spot of the background ties with the blob there)
    peaks = saliency_peaks(x, detector='spectral_residual')
    for (r, c), (t, lf) in zip(peaks.tolist(), BLOBS):
        assert t - 1 <= r <= t + 4 and lf - 1 <= c <= lf + 4

        assert t - 1 <= r <= t + 4 and lf - 1 <= c <= lf + 4


def test_centres_come_from_the_source_image():
    x = blob_images()
    params = SaliencyMix().sample_params(x)
    assert torch.equal(params['centres'], saliency_peaks(x)[params['index']])


def test_mix_boxes_per_sample():
    x, y = torch.rand(3, 2, 10, 10), torch.eye(3)
    index = torch.tensor([1, 2, 0])
    centres = torch.tensor([[5, 5], [0, 9], [9, 2]])
    lam = 1 - 0.36  # sides 0.6 · 10 = 6, half 3
    out = SaliencyMix().mix(x, y, lam=lam, index=index, centres=centres)
    boxes = [(2, 8, 2, 8), (0, 3, 6, 10), (6, 10, 0, 5)]
    for i, (y1, y2, x1, x2) in enumerate(boxes):
        m = torch.ones(10, 10)
        m[y1:y2, x1:x2] = 0
        assert torch.equal(out.mask[i, 0], m)
        assert torch.allclose(out.inputs[i], m * x[i] + (1 - m) * x[index[i]])
        lam_i = 1 - (y2 - y1) * (x2 - x1) / 100
        assert out.lam[i].item() == pytest.approx(lam_i)
        assert torch.allclose(out.target[i],
                              lam_i * y[i] + (1 - lam_i) * y[index[i]])
    assert torch.allclose(out.target.sum(1), torch.ones(3))


def test_identity_at_lam_one():
    x, y = torch.rand(2, 3, 8, 8), torch.eye(2)
    out = SaliencyMix().mix(x, y, lam=1.0, index=torch.tensor([1, 0]),
                            centres=torch.tensor([[3, 3], [4, 4]]))
    assert torch.equal(out.inputs, x)
    assert torch.equal(out.target, y)


def test_call_and_autocast():
    assert_bf16_call(SaliencyMix(), blob_images())


def test_errors():
    with pytest.raises(ValueError, match='alpha'):
        SaliencyMix(alpha=0)
    with pytest.raises(ValueError, match='saliency_size'):
        SaliencyMix(saliency_size=2)
    with pytest.raises(ValueError, match='detector'):
        SaliencyMix(detector='spectral')
    with pytest.raises(ValueError, match='box'):
        SaliencyMix(box='batch')
    with pytest.raises(ValueError, match='saliency_size'):
        SaliencyMix(saliency_size=64.0)
    with pytest.raises(ValueError, match='centres'):
        SaliencyMix().mix(torch.rand(2, 1, 8, 8), torch.eye(2), lam=0.5,
                          index=torch.tensor([1, 0]),
                          centres=torch.tensor([3, 3]))


# OpenCV's own maps (tests/fixtures/saliency/make_reference.py)
REFERENCE = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))), 'fixtures', 'saliency', 'fine_grained_reference.npz')


def reference_groups():
    data = np.load(REFERENCE)
    for key in data.files:
        if key.endswith('_images'):
            group = key[:-len('_images')]
            yield group, data[key], data[group + '_maps']


def test_fine_grained_matches_opencv():
    """Every pixel of OpenCV's 8-bit map, on Fashion-MNIST and photographs
    (grey and RGB, 28 to 96 px): tolerance 0 grey levels."""
    groups = list(reference_groups())
    assert sum(len(imgs) for _, imgs, _ in groups) == 14
    for group, imgs, maps in groups:
        x = torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous()
        ours = fine_grained_saliency(x)
        assert ours.dtype == torch.float32 and ours.shape == maps.shape
        levels = (ours * 255).round().long()
        assert torch.allclose(ours * 255, levels.float(), atol=1e-3)
        assert torch.equal(levels, torch.from_numpy(maps).long()), group
        # the peak SaliencyMix cuts around, first among ties as np.argmax
        peaks = saliency_peaks(x)
        for (r, c), ref in zip(peaks.tolist(), maps):
            assert (r, c) == np.unravel_index(ref.argmax(), ref.shape)


def test_fine_grained_float_inputs_and_smooth_variant():
    _, imgs, maps = next(reference_groups())  # Fashion-MNIST, 0-255 range
    x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float()
    # an affine change of the grey levels (normalisation) is undone by the
    # 0-255 stretch when the image spans the full range
    full = (x.amin((1, 2, 3)) == 0) & (x.amax((1, 2, 3)) == 255)
    assert full.sum() >= 4
    x, maps = x[full], maps[full.numpy()]
    normed = (x / 255 - 0.286) / 0.353
    exact = fine_grained_saliency(normed)
    assert torch.equal((exact * 255).round().long(),
                       torch.from_numpy(maps).long())
    smooth = fine_grained_saliency(normed, exact=False)
    assert smooth.shape == exact.shape and smooth.max() <= 1 + 1e-6
    corr = torch.corrcoef(torch.stack([smooth.flatten(), exact.flatten()]))
    assert corr[0, 1] > 0.98
    # constant image: a zero map, not NaN
    assert fine_grained_saliency(torch.ones(1, 3, 8, 8)).eq(0).all()
    with pytest.raises(ValueError, match='channels'):
        fine_grained_saliency(torch.rand(1, 2, 8, 8))
    with pytest.raises(ValueError, match='3x3'):
        fine_grained_saliency(torch.rand(1, 1, 2, 8))


def test_spectral_residual_log_amplitude():
    x = blob_images()
    log_map = spectral_residual_saliency(x)
    opencv_map = spectral_residual_saliency(x, log1p=True)
    assert not torch.allclose(log_map, opencv_map)
    for detector in ('spectral_residual', 'spectral_residual_opencv'):
        peaks = saliency_peaks(x, detector=detector)
        for (r, c), (t, lf) in zip(peaks.tolist(), BLOBS):
            assert t - 1 <= r <= t + 4 and lf - 1 <= c <= lf + 4


def test_boxes_per_batch_use_the_first_source():
    x = blob_images()
    torch.manual_seed(3)
    params = SaliencyMix(box='per_batch').sample_params(x)
    first = saliency_peaks(x)[params['index'][0]]
    assert torch.equal(params['centres'], first.expand(4, 2))
    out = SaliencyMix().mix(x, torch.eye(4), **params)
    assert torch.equal(out.mask, out.mask[:1].expand_as(out.mask))
