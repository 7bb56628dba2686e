"""Co-Mixup: J. Kim, W. Choo, H. Jeong and H. O. Song, "Co-Mixup: Saliency
Guided Joint Mixup with Supermodular Diversity", ICLR 2021,
https://arxiv.org/abs/2102.03065."""
import itertools
import numbers
from typing import List, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .graphcut import swap_grid_uniform
from .saliency_mixup import SaliencyMixup
from .saliency_utils import pool_saliency

# the official code prefers a 50/50 label by this much over its two parts
_SOFT_BONUS = 5e-4


@BATCH_AUGMENTS.register_module()
class CoMixup(SaliencyMixup):
    """Co-Mixup: a batch of outputs, each assembled from salient blocks of
    several inputs, kept diverse by a supermodular penalty.

    The batch is split into partitions of ``part`` inputs; per partition,
    saliency is pooled to a B × B grid and normalised (ŝ_i), a prior
    α ~ Dir(alpha·1) is drawn, and each output j gets a labelling z_j of
    its blocks with inputs, minimising (Co-Mixup eqs. 1–3, normalised by
    HW = B² as in the official code)

        Σ_j Σ_p [−ŝ_{z_jp,p} − η' log α_{z_jp}] + β' Σ_j Σ_{p~q} [z_jp ≠ z_jq]
        + γ' Σ_j Σ_{j'≠j} o_jᵀ A o_j'

    with o_j the block counts of output j per input and the compatibility
    A = (1 − ω) I + ω A_d (A_d: L1 distance between the inputs' most salient
    locations, normalised to mean 1). As in the paper (Alg. 1) the
    supermodular term is minimised by iterating over outputs with its
    modular approximation 2γ' [A ō > τ HW] ⊙ A ō (ō: the other outputs'
    counts); each output's labelling is a graph cut (alpha-beta swap, as
    the official code's gco call) where, after the first sweep, 50/50
    labels are added: for the pair of inputs if the output uses exactly
    two, for the three pairs of its three most used inputs if it uses more
    (pairwise 0.25 to their parts, 1 otherwise). Before
    the last sweep, outputs with identical input sets are pushed apart
    (``set_resolve``). Output j = Σ_i up(z_j = i) ⊙ x_i, its target the
    block-area average of the inputs' targets.

    Args (defaults: official CIFAR-100 PreActResNet-18 command):
        alpha (float): Dirichlet concentration of the prior. 2.0.
        block_num (int): B. 4.
        part (int): partition size. 20.
        beta (float): label smoothness β. 0.32.
        gamma (float): diversity weight γ. 1.0.
        thres (float): τ, penalty threshold as a share of HW. 0.83.
        eta (float): prior weight η. 0.05.
        omega (float): compatibility weight ω. 0.001.
        niter (int): outer sweeps. 4.
        set_resolve (bool): resolve identical outputs. True.
        clean_lam (float): clean-input loss weight (train-mode saliency pass,
            its loss added as ``loss_clean``; 2·clean_lam/K with
            ``loss='bce'`` as in the code). 1.0; 0 → eval-mode saliency.
        loss (str): 'head' (the classifier's soft loss, default) or 'bce'
            (the official BCE(softmax(logits), ỹ)).

    Example:
        >>> import torch
        >>> x, y = torch.rand(2, 3, 4, 4), torch.eye(2)
        >>> w = torch.zeros(2, 2, 2, 2)
        >>> w[0, 0], w[1, 1] = 1, 1
        >>> w[0, :, 0, 0] = torch.tensor([0., 1.])  # one block from x_1
        >>> out = CoMixup().mix(x, y, weights=w)
        >>> out.target[0].tolist()
        [0.75, 0.25]
    """
    solved_key = 'weights'

    def __init__(self, alpha: float = 2.0, block_num: int = 4, part: int = 20,
                 beta: float = 0.32, gamma: float = 1.0, thres: float = 0.83,
                 eta: float = 0.05, omega: float = 0.001, niter: int = 4,
                 set_resolve: bool = True, clean_lam: float = 1.0,
                 loss: str = 'head'):
        self.alpha = check_positive('alpha', alpha, 'CoMixup')
        for name, val in (('block_num', block_num), ('part', part),
                          ('niter', niter)):
            if not isinstance(val, int) or isinstance(val, bool) or val < 1:
                raise ValueError(f'CoMixup: `{name}` must be an int >= 1, '
                                 f'got {val!r}')
        for name, val in (('beta', beta), ('gamma', gamma), ('thres', thres),
                          ('eta', eta)):
            if not isinstance(val, numbers.Real) or val < 0:
                raise ValueError(f'CoMixup: `{name}` must be a number >= 0, '
                                 f'got {val!r}')
        if not isinstance(omega, numbers.Real) or not 0 <= omega <= 1:
            raise ValueError(f'CoMixup: `omega` must be in [0, 1], got '
                             f'{omega!r}')
        self.block_num, self.part, self.beta, self.gamma = (block_num, part,
                                                            beta, gamma)
        self.thres, self.eta, self.omega, self.niter = thres, eta, omega, niter
        self.set_resolve = bool(set_resolve)
        self.set_clean_loss(clean_lam, loss)

    def partitions(self, n: int) -> List[range]:
        return [range(s, min(s + self.part, n))
                for s in range(0, n, self.part)]

    def sample_params(self, inputs: Tensor) -> dict:
        n, b = inputs.size(0), self.block_num
        h, w = inputs.shape[-2:]
        if b > min(h, w):
            raise ValueError(f'CoMixup: {h}x{w} inputs are smaller than the '
                             f'{b}x{b} block grid; `block_num` must be <= '
                             f'{min(h, w)} and divide both sides, got {b}')
        parts = self.partitions(n)
        return dict(
            prior=np.concatenate([np.random.dirichlet([self.alpha] * len(p))
                                  for p in parts]),
            init=np.concatenate([np.random.randint(0, len(p), (len(p), b, b))
                                 for p in parts]))

    # ---------------------------------------------------------- labelling
    def compatibility(self, saliency: Tensor) -> np.ndarray:
        """A_d: L1 distance between the most salient locations (window of a
        quarter of the side, 8 px at 32 px as in the official code)."""
        h, w = saliency.shape[-2:]
        z = F.avg_pool2d(saliency[:, None].float(), max(1, h // 4), stride=1)
        arg = z.flatten(1).argmax(1)
        pos = torch.stack([arg // z.size(-1), arg % z.size(-1)], 1).float()
        return torch.cdist(pos, pos, p=1).cpu().numpy().astype(np.float64)

    def solve(self, saliency: Tensor, prior: np.ndarray, init: np.ndarray
              ) -> dict:
        """Labellings of all partitions as ``weights [N_out, N_in, B, B]``
        (block-diagonal over partitions): the replayable params of mix."""
        n, (h, w) = saliency.size(0), saliency.shape[-2:]
        b = self.block_num
        if h % b or w % b:
            raise ValueError(f'CoMixup: block_num={b} does not divide the '
                             f'{h}x{w} inputs')
        cost = -pool_saliency(saliency, h // b).cpu().numpy().astype(
            np.float64)
        dist = self.compatibility(saliency)
        weights = np.zeros((n, n, b, b))
        for part in self.partitions(n):
            sl = slice(part.start, part.stop)
            d = dist[sl, sl]
            d = d / d.sum() * len(part) if d.sum() > 0 else d
            comp = (1 - self.omega) * np.eye(len(part)) + self.omega * d
            weights[sl, sl] = self.label_partition(
                cost[sl], comp, np.asarray(prior)[sl], np.asarray(init)[sl])
        return dict(weights=torch.as_tensor(weights, dtype=torch.float32,
                                            device=saliency.device))

    def objective(self, unary: np.ndarray, weights: np.ndarray) -> float:
        """The energy above (A = I, no threshold), for ``weights
        [n_out, B, B, n]``; the quantity the sweeps decrease."""
        hw = unary.shape[-1] * unary.shape[-2]
        counts = weights.sum((1, 2))
        smooth = (((weights[:, 1:] - weights[:, :-1]) ** 2).sum()
                  + ((weights[:, :, 1:] - weights[:, :, :-1]) ** 2).sum())
        return float((unary.transpose(1, 2, 0)[None] * weights).sum()
                     + self.beta / hw / 2 * smooth
                     + self.gamma / hw * ((counts.sum(0) ** 2).sum()
                                          - (counts ** 2).sum()))

    def label_partition(self, cost: np.ndarray, comp: np.ndarray,
                        prior: np.ndarray, init: np.ndarray) -> np.ndarray:
        """``[n_out, n_in, B, B]`` block weights of one partition."""
        n, b, _ = cost.shape
        hw = b * b
        beta, gamma = self.beta / hw, self.gamma / hw
        unary = cost - self.eta / hw * np.log(prior + 1e-8)[:, None, None]
        weights = np.eye(n)[init]                          # [n, B, B, n]
        counts = weights.sum((1, 2))
        add = np.zeros((n, n))
        prev = self.objective(unary, weights)
        for it in range(self.niter):
            for j in range(n):
                others = comp @ (counts.sum(0) - counts[j])
                pen = 2 * gamma * (others > self.thres * hw) * others
                u = (unary + (pen + gamma * add[j])[:, None, None])
                weights[j] = self._label_output(
                    u.transpose(1, 2, 0), counts[j] if it else None, beta)
                counts[j] = weights[j].sum((0, 1))
            if self.set_resolve and it == self.niter - 2:
                add = _resolve(counts > 0)
            obj = self.objective(unary, weights)
            if abs(prev - obj) <= 1e-6 * abs(obj):
                break
            prev = obj
        return weights.transpose(0, 3, 1, 2)

    @staticmethod
    def _label_output(u, count, beta) -> np.ndarray:
        """Labelling of one output: unary ``u [B, B, n]``, Potts smoothness
        β on every grid edge; after the first sweep (``count`` = the
        output's current block counts per input) 50/50 labels join: the
        one pair of inputs if the output uses exactly two, else the three
        pairs of its three most used inputs (the official code)."""
        b, _, n = u.shape
        used = [] if count is None else np.flatnonzero(count > 0)
        combos = []
        if len(used) == 2:
            combos = [tuple(used)]
        elif len(used) > 2:
            # torch.topk as the official code: its order among equal counts
            # decides which pairs get a 50/50 label
            top = torch.from_numpy(count).float().topk(3).indices
            top = np.sort(top.cpu().numpy())
            combos = list(itertools.combinations(top, 2))
        table = np.eye(n + len(combos), n)
        pairwise = 1 - np.eye(n + len(combos))
        extra = []
        for k, (i1, i2) in enumerate(combos):
            table[n + k] = 0
            table[n + k, [i1, i2]] = 0.5
            pairwise[n + k, [i1, i2]] = pairwise[[i1, i2], n + k] = 0.25
            extra.append((u[..., i1] + u[..., i2]) / 2 - _SOFT_BONUS)
        full = np.concatenate([u] + [e[..., None] for e in extra], -1)
        # alpha-beta swap (Boykov, Veksler & Zabih 2001) as gco's, from
        # label 0 everywhere; β on every grid edge
        labels = swap_grid_uniform(full, pairwise, beta)
        return table[labels]

    # -------------------------------------------------------------- mixing
    def mix(self, inputs: Tensor, scores: Tensor, weights: Tensor
            ) -> MixedBatch:
        """Output j = Σ_i up(w_ji) ⊙ x_i, target ∝ Σ_i mean(w_ji) y_i, for
        block weights ``[N_out, N_in, B, B]``. Each output draws from a few
        inputs (those of its partition, in practice 1–4): the sum runs over
        the K inputs with nonzero weight only (K = most per output), not
        over the whole batch."""
        h, w = inputs.shape[-2:]
        b1, b2 = weights.shape[-2:]
        share = weights.flatten(2).sum(2)                   # [N_out, N_in]
        k = max(1, int((share != 0).sum(1).max()))
        top = share.abs().topk(k, dim=1).indices            # [N_out, K]
        w_top = weights.gather(1, top[:, :, None, None].expand(
            -1, -1, b1, b2))
        up = F.interpolate(w_top, size=(h, w), mode='nearest')
        with torch.autocast(inputs.device.type, enabled=False):
            mixed = (up.to(inputs.dtype)[:, :, None]
                     * inputs[top]).sum(1)
        target = weights.mean((2, 3)).to(scores.dtype) @ scores
        target = target / target.sum(1, keepdim=True)
        return MixedBatch(mixed, target, params=dict(weights=weights))

    def solve_saliency(self, model: nn.Module, inputs: Tensor,
                       saliency: Tensor, parts: Sequence[dict]) -> List[dict]:
        return [self.solve(saliency, **p) for p in parts]


def _resolve(assigned: np.ndarray) -> np.ndarray:
    """Extra cost that splits outputs using the same set of inputs: the
    first of a pair pays for its first input, the second for its second."""
    add = np.zeros(assigned.shape)
    for j1, j2 in itertools.combinations(range(len(assigned)), 2):
        used = np.flatnonzero(assigned[j1])
        if len(used) > 1 and np.array_equal(assigned[j1], assigned[j2]):
            add[j1, used[0]] = add[j2, used[1]] = 1.0
    return add
