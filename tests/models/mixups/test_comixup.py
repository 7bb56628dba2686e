import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import CoMixup
from mixtoolbox.models.mixups.comixup import _resolve
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
