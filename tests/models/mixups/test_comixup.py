import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.mixups import CoMixup, comixup
from mixtoolbox.models.mixups.comixup import _resolve
from mixtoolbox.models.mixups.graphcut import (
    grid_energy,
    swap_grid,
    swap_grid_uniform,
)

from .saliency_helpers import check_end_to_end


def block_saliency(winner):
    """[n, 8, 8] saliency whose 2x2-block winner is ``winner[b]`` (clear
    margins, so no 50/50 label can tie)."""
    n = int(winner.max()) + 1
    sal = torch.full((n, 2, 2), 0.1)
    for b, i in enumerate(winner.ravel()):
        sal[i, b // 2, b % 2] = 1.0
    return sal.repeat_interleave(4, 1).repeat_interleave(4, 2)


def test_without_smoothness_prior_and_diversity_blocks_take_the_argmax():
    np.random.seed(0)
    winner = np.array([[0, 1], [2, 0]])
    sal = block_saliency(winner)
    mix = CoMixup(block_num=2, beta=0.0, gamma=0.0, eta=0.0)
    x = torch.rand(3, 3, 8, 8)
    weights = mix.solve(sal, **mix.sample_params(x))['weights']
    for j in range(3):
        assert torch.equal(weights[j].argmax(0), torch.as_tensor(winner))
        assert torch.equal(weights[j].max(0).values, torch.ones(2, 2))


def test_strong_diversity_gives_a_permutation_of_the_inputs():
    np.random.seed(1)
    torch.manual_seed(1)
    mix = CoMixup(block_num=4, beta=50.0, gamma=50.0, thres=0.0, eta=0.0)
    x, y = torch.rand(4, 3, 16, 16), torch.eye(4)
    params = mix.solve(torch.rand(4, 16, 16), **mix.sample_params(x))
    share = params['weights'].mean((2, 3))
    assert torch.equal(share.sum(0), torch.ones(4))        # every input once
    assert torch.equal(share.max(1).values, torch.ones(4))  # unmixed outputs
    out = mix.mix(x, y, **params)
    perm = share.argmax(1)
    assert torch.allclose(out.inputs, x[perm])
    assert torch.allclose(out.target, y[perm])


def test_sweeps_lower_the_objective_and_partitions_stay_apart():
    np.random.seed(2)
    mix = CoMixup(block_num=4, part=3)
    x, sal = torch.rand(5, 3, 16, 16), torch.rand(5, 16, 16) ** 3
    params = mix.sample_params(x)
    weights = mix.solve(sal, **params)['weights']
    assert weights[:3, 3:].abs().sum() == 0 and weights[3:, :3].abs().sum() \
        == 0
    assert torch.allclose(weights.sum(1), torch.ones(5, 4, 4))
    cost = -torch.nn.functional.avg_pool2d(sal[:3, None], 4)[:, 0]
    cost = (cost / -cost.sum((1, 2), keepdim=True)).double().numpy()
    unary = cost - 0.05 / 16 * np.log(params['prior'][:3] + 1e-8)[:, None,
                                                                  None]
    init = np.eye(3)[params['init'][:3]]
    solved = weights[:3, :3].permute(0, 2, 3, 1).double().numpy()
    assert mix.objective(unary, solved) < mix.objective(unary, init)


def test_mix_targets_and_example():
    torch.manual_seed(3)
    x, y = torch.rand(3, 3, 8, 8), torch.softmax(torch.randn(3, 4), 1)
    w = torch.zeros(3, 3, 2, 2)
    w[:, 0] = 1
    w[1, :, 0, 0] = torch.tensor([0.0, 0.5, 0.5])
    out = CoMixup().mix(x, y, weights=w)
    assert torch.allclose(out.target.sum(1), torch.ones(3))
    assert torch.allclose(out.target[1], 0.75 * y[0] + 0.125 * (y[1] + y[2]))
    assert torch.allclose(out.inputs[1, :, :4, :4],
                          0.5 * (x[1] + x[2])[:, :4, :4])
    assert torch.allclose(out.inputs[0], x[0])


def test_resolve_splits_identical_outputs():
    assigned = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0]], dtype=bool)
    add = _resolve(assigned)
    assert add.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_end_to_end_with_clean_loss_and_replay():
    np.random.seed(4)
    losses, batch, x, scores = check_end_to_end(dict(type='CoMixup'))
    assert set(losses) == {'loss', 'loss_clean'}
    assert torch.allclose(batch.target.sum(1), torch.ones(4))
    replay = CoMixup().mix(x, scores, **batch.params)
    assert torch.equal(replay.inputs, batch.inputs)


def test_end_to_end_official_loss_without_clean_loss():
    np.random.seed(5)
    losses, *_ = check_end_to_end(dict(type='CoMixup', clean_lam=0.0,
                                       loss='bce'))
    assert set(losses) == {'loss'}


def test_autocast_bf16():
    w = torch.eye(2)[:, :, None, None].expand(2, 2, 2, 2).contiguous()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = CoMixup().mix(torch.rand(2, 3, 8, 8), torch.eye(2), weights=w)
    assert torch.isfinite(out.inputs).all()


@pytest.mark.parametrize('kwargs', [
    dict(alpha=0), dict(block_num=0), dict(part=1.5), dict(niter=0),
    dict(beta=-1), dict(gamma=-1), dict(thres=-0.1), dict(eta=-1),
    dict(omega=2), dict(clean_lam=-1), dict(loss='ce')])
def test_bad_arguments(kwargs):
    with pytest.raises((ValueError, TypeError), match=list(kwargs)[0]):
        CoMixup(**kwargs)


def test_errors_at_use():
    with pytest.raises(TypeError, match='MixupClassifier'):
        CoMixup()(torch.rand(2, 3, 8, 8), torch.eye(2))
    mix = CoMixup(block_num=3)
    with pytest.raises(ValueError, match='block_num'):
        mix.solve(torch.rand(2, 8, 8), **mix.sample_params(
            torch.rand(2, 3, 8, 8)))
    with pytest.raises(ValueError, match='smaller than the 4x4 block grid; '
                       '`block_num` must be <= 2'):
        CoMixup(block_num=4).sample_params(torch.rand(2, 3, 2, 8))


def test_uniform_swap_is_a_swap_local_optimum():
    """swap_grid_uniform (gco's order) on Co-Mixup-like problems (Potts +
    50/50 labels at 0.25): no alpha-beta swap move of the general solver
    improves its result, and it never ends above its start; on a tiny grid
    it finds the Potts optimum (brute force)."""
    rng = np.random.default_rng(0)
    for trial in range(12):
        n = 6 + trial % 3
        pw = 1 - np.eye(n + 1)
        pw[n, :2] = pw[:2, n] = 0.25
        u = -rng.random((4, 4, n + 1)) / 16
        u[..., rng.choice(n, 2, replace=False)] += 1.0  # penalised inputs
        beta = [0.02, 0.2][trial % 2]
        w = np.full((3, 4), beta)
        start = rng.integers(0, n + 1, (4, 4))
        lab = swap_grid_uniform(u, pw, beta, init=start)
        energy = grid_energy(lab, u, pw, w, w.T)
        assert energy <= grid_energy(start, u, pw, w, w.T) + 1e-12
        polished = swap_grid(u, pw, w, w.T, init=lab)
        assert grid_energy(polished, u, pw, w, w.T) == pytest.approx(
            energy, abs=1e-12)
    u = rng.random((2, 3, 3))
    pw = 1 - np.eye(3)
    w_v, w_h = np.full((1, 3), 0.4), np.full((2, 2), 0.4)
    best = min(grid_energy(np.array(lab).reshape(2, 3), u, pw, w_v, w_h)
               for lab in itertools.product(range(3), repeat=6))
    assert grid_energy(swap_grid_uniform(u, pw, 0.4), u, pw, w_v,
                       w_h) == pytest.approx(best)
    with pytest.raises(ValueError, match='pairwise'):
        swap_grid_uniform(u, np.ones((3, 3)), 0.4)


def test_half_labels_only_for_the_inputs_in_use(monkeypatch):
    """After the first sweep: one 50/50 label when the output uses two
    inputs (never one with an unused input), three over the top three when
    it uses more, none when it uses one."""
    seen = []

    def spy(full, pairwise, beta):
        seen.append((full.shape[-1], pairwise.copy()))
        return full.argmin(-1)

    monkeypatch.setattr(comixup, 'swap_grid_uniform', spy)
    u = np.random.default_rng(0).random((2, 2, 5))
    for count, extra in (([3, 0, 1, 0, 0], [(0, 2)]),
                         ([1, 2, 0, 1, 0], [(0, 1), (0, 3), (1, 3)]),
                         ([0, 4, 0, 0, 0], []), (None, [])):
        seen.clear()
        cnt = None if count is None else np.array(count, float)
        CoMixup._label_output(u, cnt, 0.1)
        n_labels, pw = seen[0]
        assert n_labels == 5 + len(extra)
        for k, (i1, i2) in enumerate(extra):
            row = pw[5 + k, :5]
            assert row[[i1, i2]].tolist() == [0.25, 0.25]
            assert np.delete(row, [i1, i2]).tolist() == [1.0] * 3


def test_sparse_mix_equals_the_dense_sum():
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(6, 3, 8, 8, generator=g), torch.eye(6)
    w = torch.zeros(6, 6, 4, 4)
    for j in range(6):  # 1-3 inputs per output, 50/50 blocks included
        lab = torch.randint(0, 3, (4, 4), generator=g)
        srcs = torch.randperm(6, generator=g)[:3]
        for b, i in enumerate(srcs):
            w[j, i] += (lab == b).float()
        w[j, :, 0, 0] = 0
        w[j, srcs[:2], 0, 0] = 0.5
    out = CoMixup().mix(x, y, weights=w)
    up = F.interpolate(w, size=(8, 8), mode='nearest')
    dense = torch.einsum('jihw,ichw->jchw', up, x)
    assert torch.allclose(out.inputs, dense, atol=1e-6)
    target = w.mean((2, 3)) @ y
    assert torch.allclose(out.target, target / target.sum(1, keepdim=True))
