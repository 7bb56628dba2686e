"""Grid labelling by graph cuts, for the saliency mixups (PuzzleMix, Co-Mixup).

Energies have the form of a grid MRF on an ``H × W`` block grid with ``L``
labels:

    E(l) = Σ_p U[p, l_p] + Σ_{p~q vertical} Wv[p] V(l_p, l_q)
                         + Σ_{p~q horizontal} Wh[p] V(l_p, l_q)

(``Wv`` is ``[H-1, W]`` between row ``r`` and ``r+1``, ``Wh`` is ``[H, W-1]``
between column ``c`` and ``c+1``; the layout of gco's ``cut_grid_graph``
that the official PuzzleMix / Co-Mixup code calls). Two solvers:

* :func:`solve_convex_grid`: V(a, b) = (a − b)² / (L − 1)², Wv, Wh ≥ 0 —
  solved **exactly** with one minimum cut (thermometer coding of the
  labels, Ishikawa 2003), used for PuzzleMix's 2–4 mixing levels.
* :func:`swap_grid`: any semi-metric V, Wv, Wh ≥ 0 — alpha-beta swap moves
  (Boykov, Veksler & Zabih 2001), a local optimum like gco's ``swap``;
  :func:`swap_grid_uniform` the same moves in gco's order for one weight on
  every edge (Co-Mixup), with far less overhead per move.

Min cuts use PyMaxflow (Boykov–Kolmogorov max-flow with float capacities;
~20 µs for the 16–40 node graphs of a swap move, where scipy's integer
``maximum_flow`` spends ~0.5 ms in validation).
"""
import itertools
from typing import List, Optional

import maxflow
import numpy as np


def minimize_submodular(linear: np.ndarray, pairs: np.ndarray,
                        weights: np.ndarray, order: Optional[np.ndarray] = None
                        ) -> np.ndarray:
    """Exact minimiser of a submodular quadratic pseudo-boolean function.

    min over x ∈ {0,1}^n of Σ_i linear[i] x_i + Σ_k weights[k] x_i x_j with
    (i, j) = pairs[k], every ``weights[k] ≤ 0``, subject to x_a ≥ x_b for
    each row (a, b) of ``order``.
    """
    linear = np.asarray(linear, dtype=np.float64).copy()
    n = linear.size
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    cap = -np.asarray(weights, dtype=np.float64).reshape(-1)
    if (cap < 0).any():
        raise ValueError('minimize_submodular: every pairwise weight must be '
                         f'<= 0 (submodular), got max {-cap.min():g}')
    order = (np.zeros((0, 2), dtype=np.int64) if order is None
             else np.asarray(order, dtype=np.int64).reshape(-1, 2))
    # x = 1 is the sink side. w x_i x_j = c x_i (1 - x_j) - c x_i, c = -w:
    # an edge j -> i, cut exactly when x_i = 1 and x_j = 0.
    np.subtract.at(linear, pairs[:, 0], cap)
    graph = maxflow.Graph[float](n, len(pairs) + len(order))
    graph.add_nodes(n)
    nodes = np.arange(n)
    graph.add_grid_tedges(nodes, np.maximum(linear, 0),
                          np.maximum(-linear, 0))
    if len(pairs):
        graph.add_edges(pairs[:, 1], pairs[:, 0], cap, np.zeros_like(cap))
    if len(order):
        # x_b = 1 with x_a = 0 is forbidden: an edge a -> b dearer than
        # every finite cut together
        big = 1.0 + 2.0 * (np.abs(linear).sum() + cap.sum())
        graph.add_edges(order[:, 0], order[:, 1], np.full(len(order), big),
                        np.zeros(len(order)))
    graph.maxflow()
    return np.asarray(graph.get_grid_segments(nodes), dtype=bool)


def grid_edges(height: int, width: int) -> np.ndarray:
    """``(p, q)`` index pairs of the vertical then horizontal neighbours."""
    idx = np.arange(height * width).reshape(height, width)
    vert = np.stack([idx[:-1].ravel(), idx[1:].ravel()], 1)
    horz = np.stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()], 1)
    return np.concatenate([vert, horz])


def grid_energy(labels: np.ndarray, unary: np.ndarray, pairwise: np.ndarray,
                w_v: np.ndarray, w_h: np.ndarray) -> float:
    """E(labels) of the grid MRF described in the module docstring."""
    labels = np.asarray(labels)
    h, w, _ = unary.shape
    e = np.take_along_axis(unary, labels[..., None], -1).sum()
    e += (w_v * pairwise[labels[:-1], labels[1:]]).sum()
    e += (w_h * pairwise[labels[:, :-1], labels[:, 1:]]).sum()
    return float(e)


def solve_convex_grid(unary: np.ndarray, w_v: np.ndarray, w_h: np.ndarray
                      ) -> np.ndarray:
    """Exact argmin of Σ U[p, l_p] + Σ w_pq (l_p − l_q)² / (L − 1)².

    Label ``l`` is coded as ``d = L − 1`` ordered bits b_k = [l ≥ k]; the
    unary telescopes into bit terms, and (Σ_k b_pk − b_qk)² expands into bit
    terms plus −2 b_pk b_qk' products, all submodular when w_pq ≥ 0.
    """
    unary = np.asarray(unary, dtype=np.float64)
    h, w, n_labels = unary.shape
    d = n_labels - 1
    weights = np.concatenate([np.ravel(w_v), np.ravel(w_h)]) / d ** 2
    if (weights < 0).any():
        raise ValueError('solve_convex_grid: pairwise weights must be >= 0, '
                         f'got min {weights.min() * d ** 2:g}')
    n = h * w
    # bit k of pixel p is variable p * d + k (k = 0 .. d-1 codes l >= k+1)
    linear = np.diff(unary.reshape(n, n_labels), axis=1).ravel()
    edges = grid_edges(h, w)
    k = np.arange(d)
    for node in (0, 1):
        np.add.at(linear.reshape(n, d), edges[:, node],
                  weights[:, None] * (2 * k + 1))
    kk = np.array(list(itertools.product(k, k)))
    pairs = np.stack([
        (edges[:, None, 0] * d + kk[None, :, 0]).ravel(),
        (edges[:, None, 1] * d + kk[None, :, 1]).ravel()], 1)
    pw = np.repeat(-2 * weights, len(kk))
    chain = np.arange(n)[:, None] * d + k[None, :-1]
    order = np.stack([chain.ravel(), chain.ravel() + 1], 1)
    bits = minimize_submodular(linear, pairs, pw, order)
    return bits.reshape(h, w, d).sum(-1)


def swap_grid(unary: np.ndarray, pairwise: np.ndarray, w_v: np.ndarray,
              w_h: np.ndarray, init: Optional[np.ndarray] = None,
              max_cycles: int = 5) -> np.ndarray:
    """Alpha-beta swap minimisation of the grid MRF (V a semi-metric).

    Each move lets the pixels labelled α or β re-choose between the two by
    one exact cut; the energy never rises. A pair is tried only if some
    pixel p of it could gain alone: U[p, new] − U[p, cur] < Σ_q w_pq
    V(cur, l_q), a bound on what any swap move can gain at p (edges inside
    the moving set keep V = 0). Stops after a cycle without change, which is
    then a true swap-local optimum, or after ``max_cycles`` cycles.
    """
    unary = np.asarray(unary, dtype=np.float64)
    h, w, n_labels = unary.shape
    labels = (np.zeros(h * w, dtype=np.int64) if init is None
              else np.array(init, dtype=np.int64).ravel())
    flat_u = unary.reshape(h * w, n_labels)
    edges = grid_edges(h, w)
    ew = np.concatenate([np.ravel(w_v), np.ravel(w_h)])
    p, q = edges[:, 0], edges[:, 1]
    for _ in range(max_cycles):
        cost = ew * pairwise[labels[p], labels[q]]
        gain = np.bincount(p, cost, h * w) + np.bincount(q, cost, h * w)
        slack = flat_u - flat_u[np.arange(h * w), labels][:, None]
        node, other = np.nonzero(slack < gain[:, None])
        cand = {tuple(sorted(t)) for t in zip(labels[node], other)
                if t[0] != t[1]}
        changed = False
        for a, b in sorted(cand):
            active = (labels == a) | (labels == b)
            if not active.any():
                continue
            new = _swap_move(flat_u, pairwise, edges, ew, labels, active, a,
                             b)
            if not np.array_equal(new, labels):
                labels = new
                changed = True
        if not changed:
            break
    return labels.reshape(h, w)


def _swap_move(flat_u, pairwise, edges, ew, lab, active, a, b):
    """One exact α-β swap move (x = 1 means label β)."""
    nodes = np.flatnonzero(active)
    pos = np.full(lab.size, -1)
    pos[nodes] = np.arange(nodes.size)
    linear = flat_u[nodes, b] - flat_u[nodes, a]
    p, q = edges[:, 0], edges[:, 1]
    both = active[p] & active[q]
    # an edge to a fixed pixel only changes the unary of the active end
    for src, dst in ((p, q), (q, p)):
        one = active[src] & ~active[dst]
        fixed = lab[dst[one]]
        np.add.at(linear, pos[src[one]],
                  ew[one] * (pairwise[b, fixed] - pairwise[a, fixed]))
    wb = ew[both]
    e00, e01 = wb * pairwise[a, a], wb * pairwise[a, b]
    e10, e11 = wb * pairwise[b, a], wb * pairwise[b, b]
    np.add.at(linear, pos[p[both]], e10 - e00)
    np.add.at(linear, pos[q[both]], e01 - e00)
    pairs = np.stack([pos[p[both]], pos[q[both]]], 1)
    x = minimize_submodular(linear, pairs, e11 - e10 - e01 + e00)
    new = lab.copy()
    new[nodes] = np.where(x, b, a)
    return new


_NEIGHBOURS = {}


def _grid_neighbours(height: int, width: int):
    """4-neighbour lists of the nodes of a row-major grid (cached)."""
    if (height, width) not in _NEIGHBOURS:
        nbrs = [[] for _ in range(height * width)]
        for p, q in grid_edges(height, width).tolist():
            nbrs[p].append(q)
            nbrs[q].append(p)
        _NEIGHBOURS[height, width] = nbrs
    return _NEIGHBOURS[height, width]


def swap_grid_uniform(unary: np.ndarray, pairwise: np.ndarray, weight: float,
                      init: Optional[np.ndarray] = None, max_cycles: int = 100
                      ) -> np.ndarray:
    """Alpha-beta swap for one weight on every edge and a symmetric V with
    zero diagonal (Co-Mixup's Potts smoothness with 50/50 labels), in the
    order of gco's ``swap`` (the official Co-Mixup solver).

    Starts from ``init`` (default: label 0 everywhere, gco's start). A cycle
    visits the pairs (α, β) with α ascending and, for each α, β descending
    (gco's ``oneSwapIteration``); cycles repeat until one does not lower the
    energy (gco's ``swap(-1)``), at most ``max_cycles``. A move is skipped
    when no pixel labelled α or β could gain alone: U[p, new] − U[p, cur] ≥
    Σ_q w V(cur, l_q) for all of them, which bounds what the move can gain.
    Written with Python scalars and a tiny graph per move: on Co-Mixup's
    4 × 4 grids the per-move NumPy overhead of :func:`swap_grid` dominates.
    """
    unary = np.asarray(unary, dtype=np.float64)
    h, w, n_labels = unary.shape
    pw = np.asarray(pairwise, dtype=np.float64)
    if (np.diag(pw) != 0).any() or not np.array_equal(pw, pw.T):
        raise ValueError('swap_grid_uniform: `pairwise` must be symmetric '
                         'with a zero diagonal')
    if weight < 0:
        raise ValueError(f'swap_grid_uniform: `weight` must be >= 0, got '
                         f'{weight!r}')
    n = h * w
    cost = unary.reshape(n, n_labels).tolist()
    pot = (weight * pw).tolist()
    nbrs = _grid_neighbours(h, w)
    lab = ([0] * n if init is None else np.asarray(init).ravel().tolist())

    def energy() -> float:
        return (sum(cost[p][lab[p]] for p in range(n))
                + sum(pot[lab[p]][lab[q]] for p in range(n) for q in nbrs[p]
                      if q > p))

    def bounds() -> List[float]:
        # U[p, cur] + Σ_q w V(cur, l_q): a move gains at p only below this
        return [cost[p][lab[p]] + sum(pot[lab[p]][lab[q]] for q in nbrs[p])
                for p in range(n)]

    best = energy()
    for _ in range(max_cycles):
        bound = bounds()
        used = [False] * n_labels
        for p in range(n):
            used[lab[p]] = True
        for a in range(n_labels):
            for b in range(n_labels - 1, a, -1):
                if not (used[a] or used[b]):
                    continue
                nodes = [p for p in range(n) if lab[p] == a or lab[p] == b]
                if not any(cost[p][b if lab[p] == a else a] < bound[p]
                           for p in nodes):
                    continue
                if _uniform_swap_move(cost, pot, nbrs, lab, nodes, a, b):
                    bound = bounds()
                    used[a] = any(lab[p] == a for p in nodes)
                    used[b] = any(lab[p] == b for p in nodes)
        now = energy()
        if now >= best:
            break
        best = now
    return np.asarray(lab, dtype=np.int64).reshape(h, w)


def _uniform_swap_move(cost, pot, nbrs, lab, nodes, a, b):
    """One exact α-β swap move on ``nodes``, updating ``lab`` in place;
    True if a label changed."""
    pos = {p: i for i, p in enumerate(nodes)}
    graph = maxflow.Graph[float](len(nodes), 2 * len(nodes))
    graph.add_nodes(len(nodes))
    va, vb = pot[a], pot[b]
    vab = va[b]
    for i, p in enumerate(nodes):
        lin = cost[p][b] - cost[p][a]  # x = 1 means label b
        for q in nbrs[p]:
            lq = lab[q]
            if lq != a and lq != b:
                lin += vb[lq] - va[lq]
            elif q > p and vab:
                graph.add_edge(i, pos[q], vab, vab)
        if lin > 0:
            graph.add_tedge(i, lin, 0.0)
        else:
            graph.add_tedge(i, 0.0, -lin)
    graph.maxflow()
    changed = False
    for i, p in enumerate(nodes):
        new = b if graph.get_segment(i) else a
        if new != lab[p]:
            lab[p] = new
            changed = True
    return changed
