"""MultiMix (arXiv:2206.14868) eqs. (6)-(15) on injected randomness: the
functional contract."""
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.feature_mixups.functional import (
    aligned_mix,
    attention,
    dense_multimix,
    dense_weighted_ce,
    multimix,
    sample_dirichlet,
    sinkhorn_plan,
)


def _simplex(*shape):
    return torch.rand(*shape).double().softmax(dim=-2)


def test_sample_dirichlet_columns_on_simplex_and_alpha_matters():
    torch.manual_seed(0)
    lam = sample_dirichlet(8, 500, (0.5, 2.0), lead=(3, ))
    assert lam.shape == (3, 8, 500)
    assert (lam >= 0).all()
    assert torch.allclose(lam.sum(dim=-2), torch.ones(3, 500), atol=1e-5)
    # Dir(α 1_m): Var λ_i = (m − 1) / (m² (mα + 1)); small α spreads more
    spread = [sample_dirichlet(8, 4000, (a, a)).var().item()
              for a in (0.2, 5.0)]
    for a, var in zip((0.2, 5.0), spread):
        assert var == pytest.approx(7 / (64 * (8 * a + 1)), rel=0.15)


def test_multimix_identity_is_plain_batch():
    z, y = torch.randn(5, 7), torch.eye(5)
    z_mix, y_mix = multimix(z, y, torch.eye(5))
    assert torch.equal(z_mix, z) and torch.equal(y_mix, y)


def test_multimix_pair_columns_equal_manifold_mixup():
    # columns λ e_i + (1 − λ) e_π(i): eqs. (3)-(4) as a case of (6)-(7)
    m, lam = 6, 0.3
    perm = torch.randperm(m)
    big_lam = lam * torch.eye(m) + (1 - lam) * torch.eye(m)[:, perm]
    z, y = torch.randn(m, 4), F.one_hot(torch.arange(m) % 3, 3).float()
    z_mix, y_mix = multimix(z, y, big_lam)
    assert torch.allclose(z_mix, lam * z + (1 - lam) * z[perm], atol=1e-6)
    assert torch.allclose(y_mix, lam * y + (1 - lam) * y[perm], atol=1e-6)


def test_multimix_matches_loop_and_keeps_trailing_dims():
    z, y, lam = torch.randn(4, 3, 2, 2), torch.rand(4, 5), _simplex(4, 6)
    z_mix, y_mix = multimix(z.double(), y.double(), lam)
    assert z_mix.shape == (6, 3, 2, 2) and y_mix.shape == (6, 5)
    for k in range(6):
        expect = sum(lam[i, k] * z[i].double() for i in range(4))
        assert torch.allclose(z_mix[k], expect, atol=1e-6)
        expect = sum(lam[i, k] * y[i].double() for i in range(4))
        assert torch.allclose(y_mix[k], expect, atol=1e-6)


def test_attention_variants():
    z, u = torch.randn(3, 4, 5), torch.randn(3, 4)
    score = torch.einsum('mdr,md->mr', z, u)
    a = attention(z, u)
    assert torch.allclose(a, score.relu() / score.relu().sum(1, True))
    assert torch.allclose(attention(z, u, 'softmax'), score.softmax(1))
    assert torch.equal(attention(z, torch.zeros(3, 4))[0], torch.zeros(5))
    with pytest.raises(ValueError, match='nonlinearity'):
        attention(z, u, 'sigmoid')


def _dense_loop(z, y, lam, attn):
    """Eqs. (11)-(14) written position by position, as in the paper."""
    m, d, r = z.shape
    n = lam.size(-1)
    z_mix = torch.zeros(n, d, r, dtype=z.dtype)
    y_mix = torch.zeros(n, y.size(1), r, dtype=z.dtype)
    s_all = torch.zeros(n, r, dtype=z.dtype)
    for j in range(r):
        big_m = torch.diag(attn[:, j]) @ lam[j]               # (11)
        s = torch.ones(m, dtype=z.dtype) @ big_m
        m_hat = big_m @ torch.diag(1 / s)                      # (12)
        z_mix[:, :, j] = (z[:, :, j].t() @ m_hat).t()          # (13)
        y_mix[:, :, j] = (y.t() @ m_hat).t()                   # (14)
        s_all[:, j] = s
    return z_mix, y_mix, s_all


def test_dense_multimix_equals_loop():
    torch.manual_seed(1)
    z, y = torch.randn(5, 3, 4).double(), torch.rand(5, 6).double()
    lam = _simplex(4, 5, 7)
    attn = torch.rand(5, 4).double().softmax(1)
    got = dense_multimix(z, y, lam, attn)
    for a, b in zip(got, _dense_loop(z, y, lam, attn)):
        assert torch.allclose(a, b, atol=1e-6)
    # interpolated targets stay on the simplex when y is one-hot
    onehot = F.one_hot(torch.arange(5) % 6, 6).double()
    _, y_mix, _ = dense_multimix(z, onehot, lam, attn)
    assert torch.allclose(y_mix.sum(1), torch.ones(7, 4, dtype=z.dtype))


def test_dense_uniform_attention_constant_features_is_multimix():
    # position-constant features + uniform attention + the same Λ everywhere
    z, y = torch.randn(4, 3).double(), torch.eye(4).double()
    lam = _simplex(4, 6)
    r = 5
    dz, dy, s = dense_multimix(z[:, :, None].expand(-1, -1, r), y,
                               lam.expand(r, -1, -1),
                               torch.full((4, r), 1.0 / r).double())
    z_mix, y_mix = multimix(z, y, lam)
    assert torch.allclose(dz, z_mix[:, :, None].expand_as(dz))
    assert torch.allclose(dy, y_mix[:, :, None].expand_as(dy))
    assert torch.allclose(s, torch.full_like(s, 1.0 / r))
    logits = torch.randn(6, 4, 1).double().expand(-1, -1, r)
    assert torch.allclose(
        dense_weighted_ce(logits, dy, s),
        -(y_mix * logits[:, :, 0].log_softmax(1)).sum(1).mean())


def test_dense_weighted_ce_matches_eq15_loop():
    torch.manual_seed(2)
    logits = torch.randn(6, 3, 4).double()
    y_mix = torch.rand(6, 3, 4).double().softmax(1)
    w = torch.rand(6, 4).double()
    per_pos = []
    for j in range(4):
        logp = logits[:, :, j].log_softmax(1)
        per_pos.append(-(y_mix[:, :, j] * logp).sum(1) @ w[:, j]
                       / w[:, j].sum())
    assert torch.allclose(dense_weighted_ce(logits, y_mix, w),
                          torch.stack(per_pos).mean())


def test_identity_lambda_gives_plain_cross_entropy():
    m, c, r = 4, 3, 2
    logits, labels = torch.randn(m, c, r), torch.tensor([0, 2, 1, 0])
    y = F.one_hot(labels, c).float()
    z_mix, y_mix = multimix(logits[:, :, 0], y, torch.eye(m))
    assert torch.allclose(-(y_mix * z_mix.log_softmax(1)).sum(1).mean(),
                          F.cross_entropy(logits[:, :, 0], labels))
    # dense, Λ^j = I and uniform attention: plain CE at every position
    eye = torch.eye(m).expand(r, -1, -1)
    mixed, y_mix, s = dense_multimix(logits, y, eye,
                                     torch.full((m, r), 1.0 / r))
    assert torch.allclose(mixed, logits)
    assert torch.allclose(dense_weighted_ce(mixed, y_mix, s),
                          F.cross_entropy(logits,
                                          labels[:, None].expand(-1, r)))


def test_all_zero_attention_position_is_guarded():
    z, y = torch.randn(3, 2, 2), torch.eye(3)
    attn = torch.tensor([[1., 0.], [1., 0.], [1., 0.]])
    lam = torch.full((2, 3, 4), 1 / 3)
    mixed, y_mix, s = dense_multimix(z, y, lam, attn)
    assert torch.isfinite(mixed).all() and torch.isfinite(y_mix).all()
    assert torch.equal(s[:, 1], torch.zeros(4))
    logits = torch.randn(4, 3, 2, requires_grad=True)
    loss = dense_weighted_ce(logits, y_mix, s)
    expect = dense_weighted_ce(logits[:, :, :1], y_mix[:, :, :1], s[:, :1])
    assert torch.allclose(loss, expect)      # position 1 left out
    loss.backward()
    assert torch.isfinite(logits.grad).all()
    zero = dense_weighted_ce(logits, y_mix, torch.zeros(4, 2))
    assert zero.item() == 0 and zero.requires_grad


def test_aligned_mix_identity_plan_is_manifold_mixup_and_plan_moves():
    a, b = torch.randn(2, 3, 2, 2), torch.randn(2, 3, 2, 2)
    eye = torch.eye(4).expand(2, 4, 4) / 4
    for direction in (0, 1):
        assert torch.allclose(aligned_mix(a, b, eye, 0.3, direction),
                              0.3 * a + 0.7 * b, atol=1e-6)
    # a swap plan permutes the partner's positions before mixing (dir. 0)
    swap = torch.eye(4)[[1, 0, 3, 2]].expand(2, 4, 4) / 4
    moved = b.flatten(2)[:, :, [1, 0, 3, 2]].view_as(b)
    assert torch.allclose(aligned_mix(a, b, swap, 0.3, 0),
                          0.3 * a + 0.7 * moved, atol=1e-6)


def test_sinkhorn_plan_marginals_and_recovers_permutation():
    torch.manual_seed(3)
    a = torch.randn(3, 8, 2, 2)
    perm = [2, 0, 3, 1]
    b = a.flatten(2)[:, :, perm].view_as(a)
    plan = sinkhorn_plan(a, b, eps=0.1, max_iter=100, tol=1e-7)
    assert plan.shape == (3, 4, 4)
    assert torch.allclose(plan.sum(1), torch.full((3, 4), 0.25), atol=1e-4)
    # position i of a is position perm.index(i) of b
    assert plan.argmax(2)[0].tolist() == [perm.index(i) for i in range(4)]
