"""Top-1 error under FGSM and PGD ℓ∞ attacks, in the model's own input space.

FGSM: Goodfellow et al., "Explaining and Harnessing Adversarial Examples",
ICLR 2015. PGD: Madry et al., "Towards Deep Learning Models Resistant to
Adversarial Attacks", ICLR 2018. The protocol is that of S. Venkataramanan,
E. Kijak, L. Amsaleg, Y. Avrithis, "Teach me how to Interpolate a Myriad of
Embeddings", https://arxiv.org/abs/2206.14868, §4.2 / Table 3 (App. Table 8
of their NeurIPS 2023 version, https://arxiv.org/abs/2311.05538), after
AlignMixup: an 8/255 ℓ∞ ball for FGSM and a 4/255 ℓ∞ ball with step 2/255
for PGD. Neither paper gives the PGD iteration count or start; we default
to 10 steps from a uniform random start in the ball (Madry et al.'s PGD);
both are arguments.

ε is measured in [0, 1] pixel space. mmpretrain classifiers see inputs
normalised by their data preprocessor, x̂ = (x − μ)/σ with x in
``pixel_range`` (0..255), so an ε step becomes ε·255/σ_c per channel and the
valid image range becomes [(0 − μ_c)/σ_c, (255 − μ_c)/σ_c]; the attacks work
on normalised inputs with those per-channel bounds.
"""
import numbers
from typing import Dict, Iterable, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


def input_bounds(model: nn.Module, inputs: Tensor,
                 pixel_range: Tuple[float, float] = (0.0, 255.0)
                 ) -> Tuple[Tensor, Tensor, Tensor]:
    """``(scale, lower, upper)``, each broadcastable to ``inputs``: one unit
    of [0, 1] pixel space in model-input units, and the valid input range,
    from ``model.data_preprocessor``'s mean/std (identity when it does not
    normalise)."""
    lo, hi = pixel_range
    if not lo < hi:
        raise ValueError('`pixel_range` must be (low, high) with low < high,'
                         f' got {pixel_range}')
    pre = getattr(model, 'data_preprocessor', None)
    shape = (1, inputs.size(1), 1, 1)
    kw = dict(device=inputs.device, dtype=inputs.dtype)
    if getattr(pre, '_enable_normalize', False):
        mean = pre.mean.to(**kw).reshape(shape)
        std = pre.std.to(**kw).reshape(shape)
    else:
        mean, std = torch.zeros(shape, **kw), torch.ones(shape, **kw)
    return (hi - lo) / std, (lo - mean) / std, (hi - mean) / std


def _check(name, value, low, owner, strict=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f'{owner}: `{name}` must be a number, got '
                        f'{type(value).__name__}')
    if value < low or (strict and value == low):
        bound = '>' if strict else '>='
        raise ValueError(f'{owner}: `{name}` must be {bound} {low}, got '
                         f'{value}')
    return float(value)


def _loss_grad(model, x: Tensor, labels: Tensor) -> Tensor:
    """∂/∂x of the summed cross-entropy (summed so that small per-sample
    gradients do not vanish in low precision; only the sign is used)."""
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        logits = model(x, mode='tensor')
        loss = F.cross_entropy(logits.float(), labels, reduction='sum')
        grad, = torch.autograd.grad(loss, x)
    return grad


def fgsm(model: nn.Module, inputs: Tensor, labels: Tensor,
         eps: float = 8 / 255, pixel_range: Tuple[float, float] = (0.0, 255.0)
         ) -> Tensor:
    """FGSM: x' = clip(x + ε·sign(∇ₓ L(x, y))) in one step.

    Args:
        model: a classifier whose ``model(x, mode='tensor')`` gives logits
            (mmpretrain ``ImageClassifier``, ``MixupClassifier``).
        inputs: ``[N, C, H, W]`` preprocessed (normalised) inputs.
        labels: ``[N]`` class indices.
        eps (float): ℓ∞ radius in [0, 1] pixel space. Defaults to 8/255
            (Venkataramanan et al., arXiv:2206.14868, §4.2).
        pixel_range: raw pixel range the normalisation maps from.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> class Lin(nn.Module):  # logits = sum of pixels, class 0 vs 1
        ...     def forward(self, x, mode='tensor'):
        ...         s = x.flatten(1).sum(1, keepdim=True)
        ...         return torch.cat([s, -s], 1)
        >>> x = torch.full((1, 1, 2, 2), 100.)  # raw pixels, no normalising
        >>> fgsm(Lin(), x, torch.tensor([1]), eps=10 / 255)[0, 0, 0]
        tensor([110., 110.])
    """
    eps = _check('eps', eps, 0, 'fgsm')
    scale, lower, upper = input_bounds(model, inputs, pixel_range)
    grad = _loss_grad(model, inputs, labels)
    adv = inputs.detach() + eps * scale * grad.sign()
    return adv.clamp(lower, upper)


def pgd(model: nn.Module, inputs: Tensor, labels: Tensor, eps: float = 4 / 255,
        step_size: float = 2 / 255, steps: int = 10, random_start: bool = True,
        init: Optional[Tensor] = None,
        generator: Optional[torch.Generator] = None,
        pixel_range: Tuple[float, float] = (0.0, 255.0)) -> Tensor:
    """PGD: from x⁰ = clip(x + ε·u), repeat ``steps`` times
    xᵗ⁺¹ = clip(Π_{‖x' − x‖∞ ≤ ε}(xᵗ + α·sign(∇ L(xᵗ, y)))).

    Args:
        model, inputs, labels, pixel_range: as in :func:`fgsm`.
        eps (float): ℓ∞ radius in [0, 1] pixel space. Defaults to 4/255.
        step_size (float): α in [0, 1] pixel space. Defaults to 2/255
            (both Venkataramanan et al., arXiv:2206.14868, §4.2).
        steps (int): iterations. Defaults to 10 (not stated in the paper).
        random_start (bool): start from u ~ U[−1, 1]^d (Madry et al.) rather
            than from x. Defaults to True.
        init (Tensor, optional): the start u, shaped like ``inputs`` with
            values in [−1, 1] (injected randomness for exact tests);
            overrides ``random_start``.
        generator (torch.Generator, optional): for drawing u.
    """
    eps = _check('eps', eps, 0, 'pgd')
    step_size = _check('step_size', step_size, 0, 'pgd', strict=True)
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f'pgd: `steps` must be an int >= 1, got '
                        f'{type(steps).__name__}')
    if steps < 1:
        raise ValueError(f'pgd: `steps` must be an int >= 1, got {steps}')
    scale, lower, upper = input_bounds(model, inputs, pixel_range)
    clean = inputs.detach()
    radius = eps * scale
    if init is None:
        init = torch.zeros_like(clean)
        if random_start:
            init = torch.rand(clean.shape, generator=generator,
                              device=clean.device, dtype=clean.dtype) * 2 - 1
    elif init.shape != clean.shape or init.abs().max() > 1:
        raise ValueError('pgd: `init` must have the shape of `inputs` '
                         f'{tuple(clean.shape)} and values in [-1, 1]')
    adv = (clean + init.to(clean) * radius).clamp(lower, upper)
    for _ in range(steps):
        grad = _loss_grad(model, adv, labels)
        adv = adv + step_size * scale * grad.sign()
        adv = torch.min(torch.max(adv, clean - radius), clean + radius)
        adv = adv.clamp(lower, upper)
    return adv


ATTACKS = dict(fgsm=fgsm, pgd=pgd)


def robust_error(model: nn.Module, dataloader: Iterable[dict],
                 attack: str = 'fgsm', **attack_kwargs) -> Dict[str, float]:
    """Clean and adversarial top-1 error (%) of ``model`` over a dataloader
    of mmpretrain data batches (``dict(inputs=..., data_samples=...)``).

    Inputs go through ``model.data_preprocessor`` first, so the attack runs
    in normalised space; the model is put in eval mode for the attack and
    every sub-module gets its previous train/eval mode back afterwards (also
    when the attack raises).

    Returns:
        dict: ``clean_error``, ``<attack>_error`` (percent) and
        ``num_samples``.
    """
    if attack not in ATTACKS:
        raise ValueError(f'robust_error: `attack` must be one of '
                         f'{sorted(ATTACKS)}, got {attack!r}')
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        return _robust_error(model, dataloader, attack, attack_kwargs)
    finally:
        for module, training in modes:
            module.training = training


def _robust_error(model, dataloader, attack, attack_kwargs) -> dict:
    clean_wrong = adv_wrong = total = 0
    for data in dataloader:
        data = model.data_preprocessor(data, False)
        inputs = data['inputs']
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        labels = labels.to(inputs.device)
        adv = ATTACKS[attack](model, inputs, labels, **attack_kwargs)
        with torch.no_grad():
            clean_pred = model(inputs, mode='tensor').argmax(dim=1)
            adv_pred = model(adv, mode='tensor').argmax(dim=1)
        clean_wrong += (clean_pred != labels).sum().item()
        adv_wrong += (adv_pred != labels).sum().item()
        total += labels.numel()
    if total == 0:
        raise ValueError('robust_error: the dataloader yielded no samples')
    return {'clean_error': 100.0 * clean_wrong / total,
            f'{attack}_error': 100.0 * adv_wrong / total,
            'num_samples': total}
