"""The math of embedding-space mixing, with all randomness passed in.

MultiMix and Dense MultiMix: S. Venkataramanan, E. Kijak, L. Amsaleg and
Y. Avrithis, "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs
and Beyond Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538.
Equation numbers are the NeurIPS version's; its preprint ("Teach me how to
Interpolate a Myriad of Embeddings", https://arxiv.org/abs/2206.14868) numbers
eqs. (1)–(8) alike but adds self-distillation as eq. (9), so Dense MultiMix's
eqs. (9)–(14) here are (10)–(15) there (and its §3.3 is the preprint's §3.4).

The paper writes a mini-batch column-wise (Z ∈ R^{d×m}); here tensors are
batch-first (``z[i]`` is example ``i``), so ZΛ becomes ``Λᵀ z`` and
``lam[:, k]`` is the k-th interpolation vector λ_k ∈ Δ^{m−1}.

Every function is pure: λ, Λ, attention and plans come from the caller, which
is what lets the tests check each equation exactly.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

ATTENTIONS = ('gap', 'cam', 'uniform')
NONLINEARITIES = ('l1_relu', 'softmax')


def sample_dirichlet(m: int, n: int, alpha: Sequence[float],
                     lead: Sequence[int] = (),
                     device: Optional[Union[str, torch.device]] = None
                     ) -> Tensor:
    """Interpolation vectors λ_k ~ Dir(α_k 1_m), stacked as columns.

    Args:
        m (int): length of each vector (the mini-batch size).
        n (int): number of vectors.
        alpha (tuple[float, float]): α_k ~ U[alpha[0], alpha[1]] is drawn per
            vector (App. A.1: α ~ U[0.5, 2.0], drawn anew for each
            interpolation vector); equal bounds fix α.
        lead (tuple[int]): extra leading dims, e.g. ``(r, )`` for one Λ^j per
            spatial position (Dense MultiMix, §3.3).
        device: where to sample (the inputs' device).

    Returns:
        Tensor: ``[*lead, m, n]``, every column on the simplex Δ^{m−1}.
    """
    low, high = float(alpha[0]), float(alpha[1])
    conc = torch.rand(*lead, n, 1, device=device) * (high - low) + low
    # Dir(α 1_m) as normalised Gamma(α) draws (torch's own Dirichlet does the
    # same); sampling [*, n, m] keeps each vector contiguous.
    lam = torch.distributions.Dirichlet(conc.expand(*lead, n, m)).sample()
    return lam.transpose(-1, -2)


def multimix(z: Tensor, y: Tensor, lam: Tensor) -> Tuple[Tensor, Tensor]:
    """MultiMix interpolation, eqs. (6)-(7): Z̃ = ZΛ, Ỹ = YΛ.

    Args:
        z (Tensor): embeddings ``[m, d]`` (any trailing shape ``[m, *]`` is
            interpolated element-wise, e.g. feature maps at an earlier layer).
        y (Tensor): targets ``[m, c]``.
        lam (Tensor): Λ ``[m, n]`` with columns on the simplex.

    Returns:
        tuple: ``z_mix [n, d]`` (or ``[n, *]``) and ``y_mix [n, c]``.
    """
    lam = lam.to(z.dtype)
    z_mix = (lam.t() @ z.flatten(1)).view(lam.size(1), *z.shape[1:])
    y_mix = lam.t().to(y.dtype) @ y
    return z_mix, y_mix


def attention(z: Tensor, u: Tensor, nonlinearity: str = 'l1_relu') -> Tensor:
    """Spatial attention a = h(zᵀu), eq. (9).

    Args:
        z (Tensor): embeddings ``[m, d, r]``.
        u (Tensor): one vector per example ``[m, d]`` (GAP of z, or W·y).
        nonlinearity (str): 'l1_relu' (ReLU then ℓ1 normalisation over the r
            positions, the default of App. A.1) or 'softmax' (over positions).

    Returns:
        Tensor: ``[m, r]``, each row on the simplex; an example whose scores
        are all ≤ 0 under 'l1_relu' gets an all-zero row (it then contributes
        nothing, see :func:`dense_multimix`).
    """
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f'attention: `nonlinearity` must be one of '
                         f'{NONLINEARITIES}, got {nonlinearity!r}')
    score = torch.einsum('mdr,md->mr', z, u)
    if nonlinearity == 'softmax':
        return score.softmax(dim=1)
    score = score.relu()
    total = score.sum(dim=1, keepdim=True)
    return score / torch.where(total > 0, total, torch.ones_like(total))


def dense_multimix(z: Tensor, y: Tensor, lam: Tensor,
                   attn: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """Dense MultiMix, eqs. (10)-(13), all positions at once.

    For position j: M^j = diag(a^j) Λ^j (10), M̂^j = M^j diag(1ᵀM^j)^{-1} (11),
    Z̃^j = Z^j M̂^j (12), Ỹ^j = Y M̂^j (13); s^j = 1ᵀM^j weighs the loss (14).

    Args:
        z (Tensor): embeddings ``[m, d, r]``.
        y (Tensor): targets ``[m, c]``.
        lam (Tensor): Λ^1..Λ^r as ``[r, m, n]``, columns on the simplex.
        attn (Tensor): attention ``[m, r]``.

    Returns:
        tuple: ``z_mix [n, d, r]``, ``y_mix [n, c, r]`` and the loss weights
        ``s [n, r]``. Where s = 0 (every example with weight in that column
        has zero attention at j) the column of M̂^j is undefined; it falls
        back to Λ^j so outputs stay finite, and its zero weight removes it
        from the loss.
    """
    # the weights in at least float32 (bf16 would round s and M̂)
    dtype = torch.promote_types(z.dtype, torch.float32)
    lam = lam.to(dtype)
    weights = attn.to(dtype).t().unsqueeze(-1) * lam              # M [r,m,n]
    s = weights.sum(dim=1)                                        # [r, n]
    valid = s > 0
    m_hat = torch.where(valid.unsqueeze(1),
                        weights / torch.where(valid, s, 1).unsqueeze(1), lam)
    z_mix = torch.bmm(z.permute(2, 1, 0).to(dtype), m_hat).permute(2, 1, 0)
    y_mix = torch.matmul(y.t().to(m_hat.dtype), m_hat).permute(2, 1, 0)
    return z_mix, y_mix, s.t()


def dense_weighted_ce(logits: Tensor, y_mix: Tensor, weight: Tensor) -> Tensor:
    """Weighted cross-entropy of eq. (14), averaged over positions.

    H(Ỹ^j, P̃^j; s) = −1ᵀ(Ỹ^j ⊙ log P̃^j) s / (1ᵀ s) per position j, with
    P̃^j = softmax of the logits over classes.

    Args:
        logits (Tensor): ``[n, c, r]``.
        y_mix (Tensor): interpolated targets ``[n, c, r]``.
        weight (Tensor): s ``[n, r]`` (≥ 0).

    Returns:
        Tensor: scalar; the mean over the positions whose weights do not all
        vanish (positions where all attention is zero carry no target and are
        left out; none left gives 0 with a graph).
    """
    # at least float32: under bf16 autocast the sums over n and c need it
    dtype = torch.promote_types(logits.dtype, torch.float32)
    logp = F.log_softmax(logits.to(dtype), dim=1)
    per_item = -(y_mix.to(dtype) * logp).sum(dim=1)               # [n, r]
    weight = weight.to(dtype)
    total = weight.sum(dim=0)                                     # [r]
    valid = total > 0
    per_pos = (per_item * weight).sum(dim=0) / torch.where(valid, total, 1)
    if not bool(valid.any()):
        return per_pos.sum() * 0
    return per_pos[valid].mean()


def aligned_mix(a: Tensor, b: Tensor, plan: Tensor, lam: float,
                direction: int) -> Tensor:
    """AlignMix interpolation of feature maps (Venkataramanan et al. 2022).

    With R = r·P (the transport plan scaled to a doubly stochastic matrix):
    direction 0 aligns B to A, Ã' = B Rᵀ, and returns λA + (1 − λ)Ã';
    direction 1 aligns A to B, Ã = A R, and returns λÃ + (1 − λ)B.

    Args:
        a, b (Tensor): ``[N, C, H, W]`` own and partner feature maps.
        plan (Tensor): ``[N, r, r]`` plans between positions of a (rows) and
            b (columns), marginals 1/r, r = H·W.
        lam (float): share of ``a``.
        direction (int): 0 or 1 as above.
    """
    n, c = a.shape[:2]
    r = plan.size(-1)
    assign = (plan * r).to(a.dtype)
    fa, fb = a.reshape(n, c, r), b.reshape(n, c, r)
    if direction == 0:
        out = torch.lerp(torch.bmm(fb, assign.transpose(1, 2)), fa, lam)
    else:
        out = torch.lerp(fb, torch.bmm(fa, assign), lam)
    return out.view_as(a)


def sinkhorn_plan(a: Tensor, b: Tensor, eps: float, max_iter: int,
                  tol: float) -> Tensor:
    """Entropic OT plans between the spatial positions of two feature maps.

    Cost: squared Euclidean distance between the C-dim features of every pair
    of positions; uniform marginals 1/r; log-domain Sinkhorn from POT's batch
    solver (``ot.batch``, POT ≥ 0.9.6), no gradient through the plan.

    Args:
        a, b (Tensor): ``[N, C, H, W]``.
        eps (float): entropic regularisation ε.
        max_iter (int): at most this many Sinkhorn iterations.
        tol (float): stop when the marginal error is below this.

    Returns:
        Tensor: ``[N, r, r]`` float32 plans.
    """
    import ot.batch
    n, c = a.shape[:2]
    xa = a.detach().float().reshape(n, c, -1).transpose(1, 2)
    xb = b.detach().float().reshape(n, c, -1).transpose(1, 2)
    cost = ot.batch.dist_batch(xa, xb, metric='sqeuclidean')
    res = ot.batch.solve_batch(cost, reg=eps, max_iter=max_iter, tol=tol,
                               method='log_sinkhorn', reg_type='entropy',
                               grad='detach')
    return res.plan
