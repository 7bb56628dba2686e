"""PuzzleMix: J.-H. Kim, W. Choo and H. O. Song, "Puzzle Mix: Exploiting
Saliency and Local Statistics for Optimal Mixup", ICML 2020,
https://arxiv.org/abs/2009.06962."""
import math
import numbers
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import concat_batches
from .graphcut import solve_convex_grid
from .saliency_mixup import SaliencyMixup
from .saliency_utils import (
    move_blocks,
    pixel_scale,
    pool_saliency,
    transport_sources,
)


@BATCH_AUGMENTS.register_module()
class PuzzleMix(SaliencyMixup):
    """PuzzleMix: a saliency-optimal block mask plus a transport of blocks.

    With saliency s = √(mean_c (∂L/∂x)²) pooled to a ``b × b`` block grid
    (b drawn from ``block_nums``) and normalised to sum 1, the mask
    m ∈ {0, 1/d, …, 1}^{b×b} (d = n_labels − 1, the share of x_i) minimises
    (the PuzzleMix objective of Kim et al. §3, as restated in eq. (5) of
    Shen et al., "Mixup Augmentation with Multiple Interpolations",
    https://arxiv.org/abs/2406.01417):

        Σ_p (1 − m_p)(s_i,p + A⁰_p) + m_p (s_π(i),p + A¹_p)
        − η/b² Σ_p log[C(d, d m_p) λ^{d m_p} (1 − λ)^{d − d m_p}]
        + Σ_{p~q} β'(1 + γ c_pq) (m_p − m_q)²,       β' = β / (16 b)

    i.e. the hidden saliency, the binomial mixing prior with λ ~ Beta(α, α)
    and label smoothness; the data-smoothness table T_ab (mean |Δpixel| in
    [0, 1] units across the block boundary when the two sides come from
    a, b ∈ {x_π(i), x_i}) enters as its symmetric split into per-block terms
    A and c_pq = (T₁₀ + T₀₁ − T₁₁ − T₀₀)/2 — the official code's reading for
    fractional labels. It is minimised exactly (:func:`solve_convex_grid`,
    needs 0 ≤ γ ≤ 1). Then each image's blocks move by the greedy transport
    of the paper (cost t_eps·‖Δpos‖²/(T−1)² − saliency·visible, T rounds of
    row choice + column resolve) on a T × T grid of ``t_size`` px blocks.
    Label: λ' = mean(mask), ỹ = λ' y_i + (1 − λ') y_π(i).

    Args (defaults: official CIFAR-100 PreActResNet-18 command):
        alpha (float): Beta(α, α) of λ. 1.0.
        block_nums (tuple[int]): choices of b, uniform. (2, 4, 8, 16).
        n_labels (int): mixing levels 2–4 (3: m ∈ {0, ½, 1}). 3.
        beta (float): label smoothness β. 1.2.
        gamma (float): data smoothness γ ∈ [0, 1]. 0.5.
        eta (float): prior weight η. 0.2.
        neigh_size (int): pixels pooled for T (px). 4.
        transport (bool): move blocks. True.
        t_eps (float): transport distance cost. 0.8.
        t_size (int): transport block size (px). 4.
        clean_lam (float): 0 → saliency in eval mode, nothing else (the
            official default); > 0 → train-mode saliency pass whose clean
            loss is added as ``loss_clean`` (weight 2·clean_lam/K with
            ``loss='bce'`` as in the code, clean_lam with the head loss).
        loss (str): 'head' (the classifier's soft loss, default, shared with
            every mixup here) or 'bce' — the official choice,
            BCE(softmax(logits), ỹ) averaged over batch and classes.

    Example:
        >>> import torch
        >>> x, y = torch.rand(2, 3, 8, 8), torch.eye(2)
        >>> mask = torch.tensor([[[[1., 0.], [1., .5]]]]).repeat(2, 1, 1, 1)
        >>> out = PuzzleMix().mix(x, y, index=torch.tensor([1, 0]),
        ...                       mask=mask)
        >>> out.target[0].tolist()
        [0.625, 0.375]
    """
    pairwise = True
    solved_key = 'mask'

    def __init__(self, alpha: float = 1.0,
                 block_nums: Sequence[int] = (2, 4, 8, 16),
                 n_labels: int = 3, beta: float = 1.2, gamma: float = 0.5,
                 eta: float = 0.2, neigh_size: int = 4,
                 transport: bool = True, t_eps: float = 0.8,
                 t_size: int = 4, clean_lam: float = 0.0,
                 loss: str = 'head'):
        self.alpha = check_positive('alpha', alpha, 'PuzzleMix')
        if (not isinstance(block_nums, (tuple, list)) or not block_nums
                or not all(isinstance(b, int) and b >= 1
                           for b in block_nums)):
            raise ValueError('PuzzleMix: `block_nums` must be a non-empty '
                             f'list of ints >= 1, got {block_nums!r}')
        if n_labels not in (2, 3, 4):
            raise ValueError('PuzzleMix: `n_labels` must be 2, 3 or 4, got '
                             f'{n_labels!r}')
        for name, val in (('beta', beta), ('eta', eta)):
            if not isinstance(val, numbers.Real) or val < 0:
                raise ValueError(f'PuzzleMix: `{name}` must be a number >= '
                                 f'0, got {val!r}')
        if not isinstance(gamma, numbers.Real) or not 0 <= gamma <= 1:
            raise ValueError('PuzzleMix: `gamma` must be in [0, 1] (keeps '
                             'every pairwise weight >= 0 for the exact '
                             f'solver), got {gamma!r}')
        for name, val in (('neigh_size', neigh_size), ('t_size', t_size)):
            if not isinstance(val, int) or val < 1:
                raise ValueError(f'PuzzleMix: `{name}` must be an int >= 1, '
                                 f'got {val!r}')
        self.block_nums = tuple(block_nums)
        self.n_labels, self.beta, self.gamma = n_labels, beta, gamma
        self.eta, self.neigh_size, self.transport = eta, neigh_size, transport
        self.t_eps = check_positive('t_eps', t_eps, 'PuzzleMix')
        self.t_size = t_size
        self.set_clean_loss(clean_lam, loss)

    def sample_params(self, inputs: Tensor) -> dict:
        (h, w), big = inputs.shape[-2:], max(self.block_nums)
        if big > min(h, w):
            raise ValueError(f'PuzzleMix: {h}x{w} inputs are smaller than the '
                             f'{big}x{big} block grid; `block_nums` must be '
                             f'<= {min(h, w)}, got {self.block_nums}')
        return dict(lam=self.sample_beta(self.alpha),
                    index=self.sample_index(inputs),
                    block_num=int(np.random.choice(self.block_nums)))

    # ------------------------------------------------------------- energy
    def energy_base(self, inputs: Tensor, saliency: Tensor, index: Tensor,
                    block_num: int, scale: Tensor
                    ) -> Tuple[Tensor, Tensor, np.ndarray, np.ndarray]:
        """The λ-free part of the objective: per-block costs of keeping x_i
        (label m = 0 ↔ partner shown … see :meth:`energy_terms`) as
        ``keep``/``hide`` ``[N, b, b, 1]`` float64 and the pairwise weights
        ``[N, b-1, b]``, ``[N, b, b-1]``; shared by the K priors of
        multi-mix."""
        n, _, h, w = inputs.shape
        bs = h // block_num
        if h != w or h % block_num or bs % min(self.neigh_size, bs):
            raise ValueError(
                f'PuzzleMix: inputs must be square with a side divisible by '
                f'block_num={block_num} and blocks divisible by neigh_size='
                f'{self.neigh_size}, got {h}x{w}')
        own = pool_saliency(saliency, bs)
        par = own[index]
        ns = min(self.neigh_size, bs)
        k = bs // ns
        pix = F.avg_pool2d(inputs.float() * scale[None, :, None, None], ns)
        pix = (pix[index], pix)  # label 0: partner, 1: own

        def table(a: Tensor, b: Tensor) -> Tuple[Tensor, Tensor]:
            v = (a[:, :, k - 1:-1:k] - b[:, :, k::k]).abs().mean(1)
            hz = (a[..., k - 1:-1:k] - b[..., k::k]).abs().mean(1)
            return (v.reshape(n, block_num - 1, block_num, k).mean(-1),
                    hz.reshape(n, block_num, k, block_num - 1).mean(2))

        beta = self.beta / (16.0 * block_num)
        g = self.gamma * beta
        t = {(a, b): table(pix[a], pix[b]) for a in (0, 1) for b in (0, 1)}
        add = [torch.zeros_like(own), torch.zeros_like(own)]  # A⁰, A¹
        weights = []
        for axis in (0, 1):
            tab = {ab: v[axis] for ab, v in t.items()}
            first = (slice(None), slice(0, -1)) if axis == 0 else (
                slice(None), slice(None), slice(0, -1))
            second = (slice(None), slice(1, None)) if axis == 0 else (
                slice(None), slice(None), slice(1, None))
            for lab in (0, 1):
                add[lab][first] += g * (tab[lab, 0] + tab[lab, 1]) / 2
                add[lab][second] += g * (tab[0, lab] + tab[1, lab]) / 2
            weights.append(beta + g * (tab[1, 0] + tab[0, 1] - tab[1, 1]
                                       - tab[0, 0]) / 2)
        keep = (own + add[0]).double().cpu()[..., None]
        hide = (par + add[1]).double().cpu()[..., None]
        return (keep, hide, weights[0].double().cpu().numpy(),
                weights[1].double().cpu().numpy())

    def unary(self, keep: Tensor, hide: Tensor, lam: float, block_num: int
              ) -> np.ndarray:
        """``[N, b, b, n_labels]`` unary: saliency/data terms plus the
        binomial mixing prior of ratio ``lam`` (label t ↔ m = t/d)."""
        d = self.n_labels - 1
        # the unary goes to the CPU graph cut: built there
        m = torch.arange(d + 1, dtype=torch.float64, device='cpu') / d
        binom = torch.tensor([math.comb(d, i) for i in range(d + 1)],
                             dtype=torch.float64, device='cpu')
        prior = -torch.log(binom * lam ** (m * d) * (1 - lam) ** (d - m * d)
                           + 1e-8) * self.eta / block_num ** 2
        return ((1 - m) * keep + m * hide + prior).cpu().numpy()

    def energy_terms(self, inputs: Tensor, saliency: Tensor, lam: float,
                     index: Tensor, block_num: int, scale: Tensor
                     ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unary ``[N, b, b, n_labels]`` (label t ↔ m = t/d) and pairwise
        weights ``[N, b-1, b]``, ``[N, b, b-1]`` of the objective above."""
        keep, hide, w_v, w_h = self.energy_base(inputs, saliency, index,
                                                block_num, scale)
        return self.unary(keep, hide, lam, block_num), w_v, w_h

    def solve_parts(self, inputs: Tensor, saliency: Tensor,
                    parts: Sequence[dict], scale: Tensor) -> List[dict]:
        """Optimal masks (and transports) for K ratios ``parts[k]['lam']``
        sharing ``index`` and ``block_num``: one λ-free energy, K priors,
        K·N exact solves and one batched transport over the K·N masks."""
        index, block_num = parts[0]['index'], parts[0]['block_num']
        keep, hide, w_v, w_h = self.energy_base(inputs, saliency, index,
                                                block_num, scale)
        masks = []
        for part in parts:
            unary = self.unary(keep, hide, part['lam'], block_num)
            labels = np.stack([solve_convex_grid(u, v, hz)
                               for u, v, hz in zip(unary, w_v, w_h)])
            masks.append(torch.as_tensor(
                labels / (self.n_labels - 1), dtype=torch.float32,
                device=inputs.device)[:, None])
        out = [dict(index=index, mask=mask) for mask in masks]
        if self.transport:
            h, kk = inputs.size(-1), len(parts)
            tsz = min(self.t_size, h // block_num)
            if (h // block_num) % tsz:
                raise ValueError(f'PuzzleMix: block size {h // block_num} '
                                 f'not divisible by t_size={tsz}')
            vis = F.interpolate(torch.cat(masks), size=h // tsz,
                                mode='nearest').flatten(1)
            sal = pool_saliency(saliency, tsz).flatten(1)
            own = transport_sources(vis > 0, sal.repeat(kk, 1), self.t_eps)
            par = transport_sources(vis < 1, sal[index].repeat(kk, 1),
                                    self.t_eps)
            for p, o, q in zip(out, own.chunk(kk), par.chunk(kk)):
                p.update(src_own=o, src_partner=q)
        return out

    def solve(self, inputs: Tensor, saliency: Tensor, lam: float,
              index: Tensor, block_num: int, scale: Tensor) -> dict:
        """Optimal mask (and transport) for this batch: the replayable
        params of :meth:`mix`."""
        return self.solve_parts(inputs, saliency, [dict(
            lam=lam, index=index, block_num=block_num)], scale)[0]

    # -------------------------------------------------------------- mixing
    def mix(self, inputs: Tensor, scores: Tensor, index: Tensor, mask: Tensor,
            src_own: Optional[Tensor] = None,
            src_partner: Optional[Tensor] = None) -> MixedBatch:
        h, w = inputs.shape[-2:]
        own, partner = inputs, inputs[index]
        if src_own is not None:
            own = move_blocks(own, src_own)
            partner = move_blocks(partner, src_partner)
        full = F.interpolate(mask.float(), size=(h, w), mode='nearest')
        mixed = torch.lerp(partner, own, full.to(inputs.dtype))
        lam = full.flatten(1).mean(1)
        target = torch.lerp(scores[index], scores, lam[:, None].to(
            scores.dtype))
        return MixedBatch(mixed, target, lam=lam, index=index, mask=full,
                          params=dict(index=index, mask=mask,
                                      src_own=src_own,
                                      src_partner=src_partner))

    # ------------------------------------------------- K interpolations
    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """Multi-mix of PuzzleMix (Shen et al. 2024, §III-A3): K mixing
        priors p_k(m) of ratios λ_k, one partner and one block grid b for
        all K; the masks and transports are solved in
        :meth:`interp_forward_train` from one saliency pass."""
        first = self.sample_params(inputs)
        return [dict(first, lam=float(lam)) for lam in lams]

    def solve_saliency(self, model: nn.Module, inputs: Tensor,
                       saliency: Tensor, parts: Sequence[dict]) -> List[dict]:
        return self.solve_parts(inputs, saliency, parts,
                                pixel_scale(model, inputs))

    def interp_forward_train(self, model: nn.Module, inputs: Tensor,
                             scores: Tensor, parts: Sequence[dict]
                             ) -> Tuple[Tensor, MixedBatch]:
        """One saliency pass, K mask optimisations, one forward of K·N."""
        parts, clean = self.solved_params(model, inputs, scores, parts)
        return self.logits_of(model, concat_batches(
            [self.mix(inputs, scores, **p) for p in parts]), clean)
