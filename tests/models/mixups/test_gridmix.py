import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import GridMix
from tests.models.mixups.helpers import assert_bf16_call


def test_mix_cells_equation_and_targets():
    x, y = torch.rand(3, 2, 6, 6), torch.eye(3)
    index = torch.tensor([1, 2, 0])
    cells = torch.tensor([[True, False, True],
                          [False, False, False],
                          [True, True, False]])
    out = GridMix().mix(x, y, cells=cells, index=index)
    # every 2x2 block of the 6x6 image follows its cell
    m = cells.float().repeat_interleave(2, 0).repeat_interleave(2, 1)
    m = m[None, None]
    assert torch.equal(out.mask, m)
    assert torch.allclose(out.inputs, m * x + (1 - m) * x[index])
    share = 4 / 9
    assert torch.allclose(out.target, share * y + (1 - share) * y[index])
    assert torch.allclose(out.lam, torch.full((3, ), share))
    assert torch.allclose(out.target.sum(1), torch.ones(3))


def test_uneven_sizes_label_matches_pixels():
    x, y = torch.rand(2, 1, 7, 5), torch.eye(2)
    cells = torch.tensor([[True, False], [False, False]])
    out = GridMix().mix(x, y, cells=cells, index=torch.tensor([1, 0]))
    assert out.mask.shape == (1, 1, 7, 5)
    # 7x5 does not split evenly; the label is the drawn pixel share
    assert out.target[0, 0].item() == pytest.approx(out.mask.mean().item())
    assert out.mask.mean().item() != pytest.approx(0.25)


def test_identity_when_all_cells_own():
    x, y = torch.rand(2, 3, 4, 4), torch.eye(2)
    out = GridMix().mix(x, y, cells=torch.ones(2, 2, dtype=torch.bool),
                        index=torch.tensor([1, 0]))
    assert torch.equal(out.inputs, x)
    assert torch.equal(out.target, y)


def test_sampling_grid_range_and_cell_probability():
    np.random.seed(0)
    torch.manual_seed(0)
    mix = GridMix(alpha=1.0, grid_size=(2, 3))
    x = torch.rand(2, 1, 8, 8)
    sizes = {mix.sample_params(x)['cells'].shape[0] for _ in range(30)}
    assert sizes == {2, 3}
    # cells are Bernoulli(λ) with λ ~ Beta(α, α): same seed, same λ
    big = GridMix(alpha=2.0, grid_size=64)
    np.random.seed(1)
    torch.manual_seed(1)
    cells = big.sample_params(torch.rand(2, 1, 64, 64))['cells']
    np.random.seed(1)
    lam = np.random.beta(2.0, 2.0)
    assert cells.float().mean().item() == pytest.approx(lam, abs=0.03)


def test_autocast_and_call():
    assert_bf16_call(GridMix(), torch.rand(4, 3, 8, 8))


def test_errors():
    with pytest.raises(ValueError, match='alpha'):
        GridMix(alpha=-1)
    with pytest.raises(ValueError, match='grid_size'):
        GridMix(grid_size=0)
    with pytest.raises(ValueError, match='grid_size'):
        GridMix(grid_size=(4, 2))
    with pytest.raises(TypeError, match='grid_size'):
        GridMix(grid_size=2.5)
    with pytest.raises(TypeError, match='grid_size'):
        GridMix(grid_size=(1, 2, 3))
    with pytest.raises(ValueError, match='grid_size'):
        GridMix(grid_size=8).sample_params(torch.rand(2, 1, 4, 4))
    with pytest.raises(ValueError, match='cells'):
        GridMix().mix(torch.rand(2, 1, 4, 4), torch.eye(2),
                      cells=torch.ones(2, 2, 2, dtype=torch.bool),
                      index=torch.tensor([1, 0]))
