"""PuzzleMix: Kim, Choo & Song, "Puzzle Mix: Exploiting Saliency and Local
Statistics for Optimal Mixup", ICML 2020."""
import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch
from .base import BaseMixup, check_positive
from .graphcut import solve_convex_grid
from .saliency_utils import (bce_softmax_loss, move_blocks, pixel_scale,
                             pool_saliency, saliency_pass,
                             transport_sources)

_LOSSES = ('head', 'bce')


@BATCH_AUGMENTS.register_module()
class PuzzleMix(BaseMixup):
    """PuzzleMix: a saliency-optimal block mask plus a transport of blocks.

    With saliency s = √(mean_c (∂L/∂x)²) pooled to a ``b × b`` block grid
    (b drawn from ``block_nums``) and normalised to sum 1, the mask
    m ∈ {0, 1/d, …, 1}^{b×b} (d = n_labels − 1, the share of x_i) minimises
    (seed 002 eq. 5 and the PuzzleMix objective):

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
    model_free = False

    def __init__(self, alpha=1.0, block_nums=(2, 4, 8, 16), n_labels=3,
                 beta=1.2, gamma=0.5, eta=0.2, neigh_size=4, transport=True,
                 t_eps=0.8, t_size=4, clean_lam=0.0, loss='head'):
        self.alpha = check_positive('alpha', alpha, 'PuzzleMix')
        if (not isinstance(block_nums, (tuple, list)) or not block_nums
                or not all(isinstance(b, int) and b >= 1
                           for b in block_nums)):
            raise ValueError('PuzzleMix: `block_nums` must be a non-empty '
                             f'list of ints >= 1, got {block_nums!r}')
        if n_labels not in (2, 3, 4):
            raise ValueError('PuzzleMix: `n_labels` must be 2, 3 or 4, got '
                             f'{n_labels!r}')
        for name, val in (('beta', beta), ('eta', eta),
                          ('clean_lam', clean_lam)):
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
        if loss not in _LOSSES:
            raise ValueError(f'PuzzleMix: `loss` must be one of {_LOSSES}, '
                             f'got {loss!r}')
        self.block_nums = tuple(block_nums)
        self.n_labels, self.beta, self.gamma = n_labels, beta, gamma
        self.eta, self.neigh_size, self.transport = eta, neigh_size, transport
        self.t_eps = check_positive('t_eps', t_eps, 'PuzzleMix')
        self.t_size, self.clean_lam, self.loss_type = t_size, clean_lam, loss

    def __call__(self, inputs, scores):
        raise TypeError('PuzzleMix needs the model (saliency); use it in '
                        'MixupClassifier.mix_policy, not as a batch augment')

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
    def energy_terms(self, inputs, saliency, lam, index, block_num, scale):
        """Unary ``[N, b, b, n_labels]`` (label t ↔ m = t/d) and pairwise
        weights ``[N, b-1, b]``, ``[N, b, b-1]`` of the objective above."""
        n, _, h, w = inputs.shape
        bs = h // block_num
        if h != w or h % block_num or bs % min(self.neigh_size, bs):
            raise ValueError(
                f'PuzzleMix: inputs must be square with a side divisible by '
                f'block_num={block_num} and blocks divisible by neigh_size='
                f'{self.neigh_size}, got {h}x{w}')
        d = self.n_labels - 1
        own = pool_saliency(saliency, bs)
        par = own[index]
        ns = min(self.neigh_size, bs)
        k = bs // ns
        pix = F.avg_pool2d(inputs.float() * scale[None, :, None, None], ns)
        pix = (pix[index], pix)  # label 0: partner, 1: own

        def table(a, b):
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
        # the unary goes to the CPU graph cut: built there
        m = torch.arange(d + 1, dtype=torch.float64, device='cpu') / d
        binom = torch.tensor([math.comb(d, i) for i in range(d + 1)],
                             dtype=torch.float64, device='cpu')
        prior = -torch.log(binom * lam ** (m * d) * (1 - lam) ** (d - m * d)
                           + 1e-8) * self.eta / block_num ** 2
        keep = (own + add[0]).double().cpu()[..., None]
        hide = (par + add[1]).double().cpu()[..., None]
        unary = (1 - m) * keep + m * hide + prior
        return (unary.cpu().numpy(), weights[0].double().cpu().numpy(),
                weights[1].double().cpu().numpy())

    def solve(self, inputs, saliency, lam, index, block_num, scale) -> dict:
        """Optimal mask (and transport) for this batch: the replayable
        params of :meth:`mix`."""
        unary, w_v, w_h = self.energy_terms(inputs, saliency, lam, index,
                                            block_num, scale)
        labels = np.stack([solve_convex_grid(u, v, hz)
                           for u, v, hz in zip(unary, w_v, w_h)])
        mask = torch.as_tensor(labels / (self.n_labels - 1),
                               dtype=torch.float32,
                               device=inputs.device)[:, None]
        params = dict(index=index, mask=mask)
        if self.transport:
            h = inputs.size(-1)
            tsz = min(self.t_size, h // block_num)
            if (h // block_num) % tsz:
                raise ValueError(f'PuzzleMix: block size {h // block_num} '
                                 f'not divisible by t_size={tsz}')
            grid = h // tsz
            vis = F.interpolate(mask, size=grid, mode='nearest').flatten(1)
            sal = pool_saliency(saliency, tsz).flatten(1)
            params.update(src_own=transport_sources(vis > 0, sal, self.t_eps),
                          src_partner=transport_sources(
                              vis < 1, sal[index], self.t_eps))
        return params

    # -------------------------------------------------------------- mixing
    def mix(self, inputs: Tensor, scores: Tensor, index: Tensor, mask: Tensor,
            src_own=None, src_partner=None) -> MixedBatch:
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

    def forward_train(self, model, inputs, scores, params=None):
        clean = None
        if params is None:
            params = self.sample_params(inputs)
        if 'mask' not in params:
            sal, clean = saliency_pass(model, inputs, scores,
                                       training=self.clean_lam > 0,
                                       keep_loss=self.clean_lam > 0)
            params = self.solve(inputs, sal, scale=pixel_scale(model, inputs),
                                **params)
        batch = self.mix(inputs, scores, **params)
        if clean is not None:
            weight = self.clean_lam * (2 / scores.size(1)
                                       if self.loss_type == 'bce' else 1)
            batch.extras['loss_clean'] = weight * clean
        return model.head(model.extract_feat(batch.inputs)), batch

    def loss(self, model, logits, batch):
        if self.loss_type == 'bce':
            return bce_softmax_loss(logits, batch.target)
        return model.soft_loss(logits, batch.target)

