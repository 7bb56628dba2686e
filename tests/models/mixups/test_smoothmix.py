import math

import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import SmoothMix
from mixtoolbox.models.mixups.smoothmix import gaussian_mask
from tests.models.mixups.helpers import assert_bf16_call


def test_gaussian_mask_formula():
    g = gaussian_mask(10, 6, (2, 5), 0.3)[0, 0]
    assert g.shape == (10, 6)
    assert g[2, 5].item() == 1.0 and g.max().item() == 1.0
    for r, c in [(0, 0), (7, 1), (9, 5)]:
        expected = math.exp(-((r - 2) ** 2 / (2 * 3.0 ** 2)
                              + (c - 5) ** 2 / (2 * 1.8 ** 2)))
        assert g[r, c].item() == pytest.approx(expected, rel=1e-5)


def test_mix_equation():
    x, y = torch.rand(3, 2, 8, 8), torch.eye(3)
    index = torch.tensor([2, 0, 1])
    out = SmoothMix().mix(x, y, centre=(4, 3), sigma=0.3, index=index)
    g = gaussian_mask(8, 8, (4, 3), 0.3)
    assert torch.allclose(out.inputs, (1 - g) * x + g * x[index], atol=1e-6)
    assert torch.allclose(out.mask, 1 - g)


def test_label_weight_of_own_image_is_one_minus_mean_g():
    """G is the share of the partner, so y_i gets 1 − mean(G). A known
    implementation hands y_i mean(G) instead; with a small corner Gaussian
    the two readings differ by far more than the tolerance."""
    x, y = torch.rand(2, 1, 16, 16), torch.eye(2)
    index = torch.tensor([1, 0])
    out = SmoothMix().mix(x, y, centre=(0, 0), sigma=0.25, index=index)
    mean_g = gaussian_mask(16, 16, (0, 0), 0.25).mean().item()
    assert mean_g < 0.2
    assert out.target[0, 0].item() == pytest.approx(1 - mean_g, abs=1e-6)
    assert out.target[0, 1].item() == pytest.approx(mean_g, abs=1e-6)
    # the label is the pixel share of each image
    own_pixels = ((out.inputs[0] - x[1]) / (x[0] - x[1])).mean().item()
    assert out.target[0, 0].item() == pytest.approx(own_pixels, abs=1e-4)
    assert torch.allclose(out.lam, torch.full((2, ), 1 - mean_g))
    assert torch.allclose(out.target.sum(1), torch.ones(2))


def test_sampling_ranges():
    np.random.seed(0)
    mix = SmoothMix(sigma=(0.1, 0.2))
    x = torch.rand(2, 1, 5, 7)
    for _ in range(20):
        p = mix.sample_params(x)
        assert 0.1 <= p['sigma'] <= 0.2
        assert 0 <= p['centre'][0] < 5 and 0 <= p['centre'][1] < 7
    out = mix.mix(x, torch.eye(2), **p)
    assert torch.equal(mix.mix(x, torch.eye(2), **out.params).inputs,
                       out.inputs)


def test_autocast():
    assert_bf16_call(SmoothMix(), torch.rand(4, 3, 8, 8))


def test_errors():
    with pytest.raises(ValueError, match='sigma'):
        SmoothMix(sigma=(0, 0.5))
    with pytest.raises(ValueError, match='sigma'):
        SmoothMix(sigma=(0.5, 0.25))
    with pytest.raises(ValueError, match='sigma'):
        SmoothMix(sigma=(0.5, float('inf')))
    with pytest.raises(TypeError, match='sigma'):
        SmoothMix(sigma=0.3)
    with pytest.raises(TypeError, match='sigma'):
        SmoothMix(sigma=('a', 0.3))
