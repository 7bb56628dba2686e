import pytest
import torch

from mixtoolbox.models.mixups import SaliencyMix
from mixtoolbox.models.mixups.saliencymix import (saliency_peaks,
                                                  spectral_residual_saliency)

# (top, left) of a bright 4x4 square on a dim noisy 32x32 background
BLOBS = [(5, 20), (24, 3), (14, 12), (2, 2)]


def blob_images():
    g = torch.Generator().manual_seed(0)
    x = 0.1 * torch.rand(len(BLOBS), 3, 32, 32, generator=g)
    for i, (t, l) in enumerate(BLOBS):
        x[i, :, t:t + 4, l:l + 4] += 1.0
    return x


def test_saliency_peak_per_image_on_its_object():
    x = blob_images()
    sal = spectral_residual_saliency(x)
    assert sal.shape == (4, 32, 32)
    peaks = saliency_peaks(x)
    for (r, c), (t, l) in zip(peaks.tolist(), BLOBS):
        assert t - 1 <= r <= t + 4 and l - 1 <= c <= l + 4


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
    x, y = blob_images(), torch.eye(4)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        mixed, target = SaliencyMix()(x.bfloat16(), y)
    assert mixed.dtype == torch.bfloat16
    assert torch.allclose(target.sum(1), torch.ones(4))


def test_errors():
    with pytest.raises(ValueError, match='alpha'):
        SaliencyMix(alpha=0)
    with pytest.raises(ValueError, match='saliency_size'):
        SaliencyMix(saliency_size=2)
    with pytest.raises(ValueError, match='saliency_size'):
        SaliencyMix(saliency_size=64.0)
    with pytest.raises(ValueError, match='centres'):
        SaliencyMix().mix(torch.rand(2, 1, 8, 8), torch.eye(2), lam=0.5,
                          index=torch.tensor([1, 0]),
                          centres=torch.tensor([3, 3]))
