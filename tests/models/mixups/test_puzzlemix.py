import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.mixups import PuzzleMix
from mixtoolbox.models.mixups.graphcut import (
    grid_energy,
    solve_convex_grid,
    swap_grid,
)
from mixtoolbox.models.mixups.saliency_utils import (
    move_blocks,
    transport_sources,
)

from .saliency_helpers import check_end_to_end

ONE = torch.ones(3)


def convex_pairwise(n_labels):
    d = np.arange(n_labels)
    return np.subtract.outer(d, d) ** 2 / (n_labels - 1) ** 2


def brute_force(unary, pairwise, w_v, w_h):
    h, w, n_labels = unary.shape
    return min(grid_energy(np.array(lab).reshape(h, w), unary, pairwise,
                           w_v, w_h)
               for lab in itertools.product(range(n_labels), repeat=h * w))


@pytest.mark.parametrize('n_labels', [2, 3, 4])
def test_convex_solver_is_exact_on_tiny_grids(n_labels):
    rng = np.random.default_rng(n_labels)
    shape = (3, 3) if n_labels < 4 else (2, 3)
    pw = convex_pairwise(n_labels)
    for _ in range(3):
        u = rng.random(shape + (n_labels, ))
        w_v = rng.random((shape[0] - 1, shape[1]))
        w_h = rng.random((shape[0], shape[1] - 1))
        lab = solve_convex_grid(u, w_v, w_h)
        assert grid_energy(lab, u, pw, w_v, w_h) == pytest.approx(
            brute_force(u, pw, w_v, w_h), abs=1e-9)


def test_swap_solver_reaches_potts_optimum_on_tiny_grid():
    rng = np.random.default_rng(0)
    pw = 1 - np.eye(4)
    u = rng.random((2, 3, 4))
    w_v, w_h = rng.random((1, 3)) * 0.5, rng.random((2, 2)) * 0.5
    lab = swap_grid(u, pw, w_v, w_h)
    assert grid_energy(lab, u, pw, w_v, w_h) == pytest.approx(
        brute_force(u, pw, w_v, w_h))


def test_puzzlemix_mask_is_the_brute_force_optimum():
    torch.manual_seed(0)
    mix = PuzzleMix(beta=8.0, gamma=0.5)  # strong smoothness: a real trade
    x, sal = torch.rand(3, 3, 8, 8), torch.rand(3, 8, 8)
    index = torch.tensor([1, 2, 0])
    unary, w_v, w_h = mix.energy_terms(x, sal, 0.35, index, 2, ONE)
    mask = mix.solve(x, sal, 0.35, index, 2, ONE)['mask']
    pw = convex_pairwise(3)
    for i in range(3):
        lab = (mask[i, 0].numpy() * 2).round().astype(int)
        assert grid_energy(lab, unary[i], pw, w_v[i], w_h[i]) == \
            pytest.approx(brute_force(unary[i], pw, w_v[i], w_h[i]))


def test_without_smoothness_mask_is_the_per_block_argmin():
    torch.manual_seed(1)
    mix = PuzzleMix(beta=0.0, gamma=0.0, transport=False)
    x, sal = torch.rand(4, 3, 16, 16), torch.rand(4, 16, 16) ** 4
    index, lam, b = torch.tensor([3, 2, 1, 0]), 0.3, 4
    mask = mix.solve(x, sal, lam, index, b, ONE)['mask'][:, 0]
    pooled = F.avg_pool2d(sal[:, None], 4)[:, 0]
    s = pooled / pooled.sum((1, 2), keepdim=True)
    m = torch.tensor([0.0, 0.5, 1.0])
    prior = torch.tensor([(1 - lam) ** 2, 2 * lam * (1 - lam), lam ** 2])
    cost = ((1 - m) * s[..., None] + m * s[index][..., None]
            - 0.2 / b ** 2 * torch.log(prior + 1e-8))
    assert torch.equal(mask, m[cost.argmin(-1)])


def test_energy_matches_the_paper_terms_on_pure_masks():
    """For m ∈ {0, 1} the solver's energy equals hidden saliency + prior +
    β' [m_p ≠ m_q] + γβ' T[m_p][m_q] up to one constant (computed here
    independently, pixel by pixel)."""
    torch.manual_seed(2)
    b, bs, ns = 3, 4, 2
    mix = PuzzleMix(beta=1.2, gamma=0.7, eta=0.2, n_labels=2, neigh_size=ns)
    x, sal = torch.rand(2, 3, b * bs, b * bs), torch.rand(2, b * bs, b * bs)
    index, lam = torch.tensor([1, 0]), 0.6
    unary, w_v, w_h = mix.energy_terms(x, sal, lam, index, b, ONE)
    pooled = F.avg_pool2d(x, ns)
    s = F.avg_pool2d(sal[:, None], bs)[:, 0]
    s = (s / s.sum((1, 2), keepdim=True)).numpy()
    beta = 1.2 / (16 * b)
    k = bs // ns

    def boundary(a, c, r, col, vertical):
        # last pooled row/col of block r (image a) vs first of r+1 (image c)
        if vertical:
            ra, rc = a[:, (r + 1) * k - 1, col * k:(col + 1) * k], \
                c[:, (r + 1) * k, col * k:(col + 1) * k]
        else:
            ra, rc = a[:, col * k:(col + 1) * k, (r + 1) * k - 1], \
                c[:, col * k:(col + 1) * k, (r + 1) * k]
        return (ra - rc).abs().mean().item()

    for i in range(2):
        imgs = {1: pooled[i], 0: pooled[index[i]]}
        diffs = []
        for bits in itertools.product((0, 1), repeat=b * b):
            m = np.array(bits).reshape(b, b)
            direct = ((1 - m) * s[i] + m * s[index[i]]).sum()
            p = np.where(m == 1, lam, 1 - lam)
            direct += (-np.log(p + 1e-8)).sum() * 0.2 / b ** 2
            for r, col in itertools.product(range(b - 1), range(b)):
                for vert, (m1, m2) in ((True, (m[r, col], m[r + 1, col])),
                                       (False, (m[col, r], m[col, r + 1]))):
                    direct += beta * (m1 != m2) + 0.7 * beta * boundary(
                        imgs[m1], imgs[m2], r, col, vert)
            diffs.append(grid_energy(m, unary[i], convex_pairwise(2),
                                     w_v[i], w_h[i]) - direct)
        assert np.ptp(diffs) < 1e-6  # float32 tables


def test_mix_lambda_target_and_identity():
    x, y = torch.rand(2, 3, 8, 8), torch.eye(2)
    index = torch.tensor([1, 0])
    mask = torch.tensor([[1.0, 0.0], [0.5, 1.0]]).expand(2, 1, 2, 2)
    out = PuzzleMix().mix(x, y, index=index, mask=mask)
    assert torch.allclose(out.lam, torch.full((2, ), 0.625))
    assert torch.allclose(out.mask.mean((1, 2, 3)), out.lam)
    assert torch.allclose(out.target.sum(1), torch.ones(2))
    assert torch.allclose(out.target[0], torch.tensor([0.625, 0.375]))
    assert torch.allclose(out.inputs[0, :, 4:, :4],
                          0.5 * (x[0] + x[1])[:, 4:, :4])
    ones = PuzzleMix().mix(x, y, index=index, mask=torch.ones(2, 1, 2, 2))
    assert torch.equal(ones.inputs, x) and torch.equal(ones.target, y)


def test_transport_identity_and_salient_move():
    vis = torch.rand(3, 16) > 0.5
    same = transport_sources(vis, torch.rand(3, 16), eps=1e3)
    assert torch.equal(same, torch.arange(16).expand(3, 16))
    # a hidden salient block (0) moves into the nearest visible one (1)
    src = transport_sources(torch.tensor([[False, True, True, True]]),
                            torch.tensor([[1.0, 0.0, 0.0, 0.0]]), eps=0.1)
    assert src.tolist() == [[1, 0, 2, 3]]
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    moved = move_blocks(x, torch.tensor([[1, 0, -1, 3]]))
    assert torch.equal(moved[0, 0, :2, :2], x[0, 0, :2, 2:])
    assert torch.equal(moved[0, 0, 2:, :2], torch.zeros(2, 2))


def test_forward_train_replays_params_and_runs_end_to_end():
    np.random.seed(0)
    losses, batch, x, scores = check_end_to_end(dict(type='PuzzleMix'))
    assert set(losses) == {'loss'}
    assert torch.allclose(batch.target.sum(1), torch.ones(4))
    assert torch.allclose(batch.mask.mean((1, 2, 3)), batch.lam)
    # the params replay the same mixing (self-distillation's second view)
    replay = PuzzleMix().mix(x, scores, **batch.params)
    assert torch.equal(replay.inputs, batch.inputs)
    assert torch.equal(replay.target, batch.target)


def test_clean_loss_and_official_bce_loss():
    np.random.seed(1)
    losses, *_ = check_end_to_end(dict(type='PuzzleMix', clean_lam=1.0,
                                      loss='bce', block_nums=[4]))
    assert set(losses) == {'loss', 'loss_clean'}
    logits, target = torch.randn(3, 4), torch.softmax(torch.randn(3, 4), 1)
    p = torch.softmax(logits, 1)
    manual = -(target * p.log() + (1 - target) * (1 - p).log()).mean()
    mix = PuzzleMix(loss='bce')
    batch = type('B', (), dict(target=target))
    assert mix.loss(None, logits, batch) == pytest.approx(manual.item())


def test_autocast_bf16():
    np.random.seed(2)
    mix = PuzzleMix()
    x, sal = torch.rand(2, 3, 16, 16), torch.rand(2, 16, 16)
    params = mix.solve(x, sal, 0.5, torch.tensor([1, 0]), 4, ONE)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = mix.mix(x.bfloat16(), torch.eye(2), **params)
    assert out.inputs.dtype == torch.bfloat16
    assert torch.isfinite(out.target).all()


@pytest.mark.parametrize('kwargs', [
    dict(alpha=0), dict(block_nums=[]), dict(block_nums=[0]),
    dict(n_labels=5), dict(beta=-1), dict(gamma=1.5), dict(eta=-0.1),
    dict(neigh_size=0), dict(t_size=1.5), dict(t_eps=0), dict(loss='ce'),
    dict(clean_lam=-1)])
def test_bad_arguments(kwargs):
    with pytest.raises((ValueError, TypeError)) as err:
        PuzzleMix(**kwargs)
    assert list(kwargs)[0] in str(err.value)


def test_not_a_batch_augment_and_shape_errors():
    with pytest.raises(TypeError, match='MixupClassifier'):
        PuzzleMix()(torch.rand(2, 3, 8, 8), torch.eye(2))
    with pytest.raises(ValueError, match='block_num'):
        PuzzleMix().energy_terms(torch.rand(2, 3, 12, 12),
                                 torch.rand(2, 12, 12), 0.5,
                                 torch.tensor([1, 0]), 8, ONE)
    # images smaller than the block grid fail before the saliency pass,
    # whichever b is drawn
    with pytest.raises(ValueError, match='smaller than the 16x16 block grid; '
                       '`block_nums` must be <= 8'):
        PuzzleMix(block_nums=(2, 16)).sample_params(torch.rand(2, 3, 8, 8))
    assert PuzzleMix(block_nums=(8, )).sample_params(
        torch.rand(2, 3, 8, 8))['block_num'] == 8
    # transport blocks must tile the mask blocks
    with pytest.raises(ValueError, match='t_size=3'):
        PuzzleMix(t_size=3).solve(torch.rand(2, 3, 16, 16),
                                  torch.rand(2, 16, 16), 0.5,
                                  torch.tensor([1, 0]), 4, ONE)


def test_prior_is_binomial():
    # the prior term alone picks the most likely level of Bin(d, λ)
    mix = PuzzleMix(beta=0, gamma=0, eta=1e3, transport=False)
    x, sal = torch.rand(1, 3, 8, 8), torch.rand(1, 8, 8)
    for lam, want in ((0.9, 1.0), (0.5, 0.5), (0.1, 0.0)):
        mask = mix.solve(x, sal, lam, torch.tensor([0]), 2, ONE)['mask']
        assert torch.all(mask == want)


def reference_transport(visible, saliency, eps):
    """The greedy transport written out with loops (one image)."""
    t2 = visible.numel()
    side = int(round(t2 ** 0.5))
    pos = [(i // side, i % side) for i in range(t2)]
    cost = [[eps * ((pos[i][0] - pos[j][0]) ** 2
                    + (pos[i][1] - pos[j][1]) ** 2) / max(side - 1, 1) ** 2
             - float(saliency[i]) * bool(visible[j]) for j in range(t2)]
            for i in range(t2)]
    cost = torch.tensor(cost).tolist()  # float32, as the batched code
    for _ in range(side):
        pick = [min(range(t2), key=lambda j: (row[j], j)) for row in cost]
        src = [-1] * t2
        for j in range(t2):
            claims = [i for i in range(t2) if pick[i] == j]
            if claims:
                src[j] = min(claims, key=lambda i: (cost[i][j], i))
        for i in range(t2):
            if src[pick[i]] != i:
                cost[i][pick[i]] += 1
    return src


def test_transport_matches_the_loop_reference():
    g = torch.Generator().manual_seed(0)
    for side, eps in ((2, 0.1), (4, 0.8), (4, 1e3), (8, 0.8)):
        vis = torch.rand(3, side * side, generator=g) > 0.5
        sal = torch.rand(3, side * side, generator=g)
        sal[:, ::3] = 0  # ties
        sal = sal / sal.sum(1, keepdim=True)
        src = transport_sources(vis, sal, eps)
        for k in range(3):
            assert src[k].tolist() == reference_transport(vis[k], sal[k],
                                                          eps), (side, eps)
