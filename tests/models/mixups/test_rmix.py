import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import RMix

from .saliency_helpers import check_end_to_end


def test_quantile_zero_everywhere_is_plain_mixup():
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
    index = torch.tensor([2, 3, 0, 1])
    top = RMix.top_patches(torch.rand(4, 8, 8), 4, np.zeros(4))
    assert top.all()
    out = RMix().mix(x, y, index=index, top=top, weights=(0.3, 0.7))
    assert torch.allclose(out.inputs, 0.3 * x + 0.7 * x[index])
    assert torch.allclose(out.target, 0.3 * y + 0.7 * y[index])
    assert torch.allclose(out.lam, torch.full((4, ), 0.3))


def test_hand_made_two_by_two_patches():
    # 4x4 images, 2x2 patches. Own top: diagonal; partner top: first row.
    x = torch.stack([torch.full((1, 4, 4), 1.0), torch.full((1, 4, 4), 5.0)])
    y = torch.eye(2)
    top = torch.tensor([[[[True, False], [False, True]]],
                        [[[True, True], [False, False]]]])
    out = RMix().mix(x, y, index=torch.tensor([1, 0]), top=top,
                     weights=(0.25, 0.75))
    img = out.inputs[0, 0]
    assert torch.all(img[:2, :2] == 0.25 * 1 + 0.75 * 5)   # top - top: mix
    assert torch.all(img[:2, 2:] == 5)                     # least - top
    assert torch.all(img[2:, :2] == 0.25 * 1 + 0.75 * 5)   # least - least
    assert torch.all(img[2:, 2:] == 1)                     # top - least
    # own share: .25 + 0 + .25 + 1 over 4 patches
    assert out.lam[0].item() == pytest.approx(0.375)
    assert torch.allclose(out.target[0], torch.tensor([0.375, 0.625]))
    assert torch.allclose(out.mask.mean((1, 2, 3)), out.lam)


def test_top_patches_use_each_images_own_quantile():
    sal = torch.arange(16.).reshape(1, 4, 4).repeat(2, 1, 1)
    top = RMix.top_patches(sal, 2, [0.5, 0.99])
    # patch means 2.5, 4.5, 10.5, 12.5: median 7.5, 0.99-quantile 12.44
    assert top[0, 0].tolist() == [[False, False], [True, True]]
    assert top[1, 0].sum() == 1 and top[1, 0, 1, 1]


def test_random_batches_sum_to_one_and_scale_patches():
    np.random.seed(0)
    mix = RMix()
    x = torch.rand(6, 3, 64, 64)
    params = mix.sample_params(x)
    assert params['patch'] in (16, 32)   # 8 / 16 px at 32 px, doubled
    assert sum(params['weights']) == pytest.approx(1.0)
    top = mix.top_patches(torch.rand(6, 64, 64), params['patch'],
                          params['q'])
    out = mix.mix(x, torch.softmax(torch.randn(6, 5), 1),
                  index=params['index'], top=top, weights=params['weights'])
    assert torch.allclose(out.target.sum(1), torch.ones(6))
    assert torch.allclose(out.mask.mean((1, 2, 3)), out.lam)


def test_end_to_end_and_replay():
    np.random.seed(1)
    losses, batch, x, scores = check_end_to_end(dict(type='RMix'), size=32)
    assert set(losses) == {'loss'}
    replay = RMix().mix(x, scores, **batch.params)
    assert torch.equal(replay.inputs, batch.inputs)


def test_autocast_bf16():
    top = torch.rand(2, 1, 2, 2) > 0.5
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = RMix().mix(torch.rand(2, 3, 8, 8).bfloat16(), torch.eye(2),
                         index=torch.tensor([1, 0]), top=top,
                         weights=(0.5, 0.5))
    assert out.inputs.dtype == torch.bfloat16


@pytest.mark.parametrize('kwargs', [
    dict(patch_sizes=[]), dict(patch_sizes=[0]), dict(quantiles=[1.0]),
    dict(quantiles=[]), dict(alpha=0)])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=list(kwargs)[0]):
        RMix(**kwargs)


def test_errors_at_use():
    with pytest.raises(TypeError, match='MixupClassifier'):
        RMix()(torch.rand(2, 3, 8, 8), torch.eye(2))
    with pytest.raises(ValueError, match='patch_sizes'):
        RMix(patch_sizes=[8]).sample_params(torch.rand(2, 3, 30, 30))
