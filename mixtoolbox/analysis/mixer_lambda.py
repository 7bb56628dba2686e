"""How well does the SAMix Mixer's mask follow λ?

Fits a fresh ``SAMixMixer`` on its mask loss alone (ℓ_mean with margin ε
plus the variance term, β = 1) for ``--steps`` SGD steps; each step draws one
batch of non-negative random feature maps (like post-ReLU stage outputs), a
partner permutation and ONE λ ~ Beta(2, 2) shared by the batch, as SAMix does.
Then, still in training mode (the Mixer is always run that way in SAMix),
it prints the mean mask for λ = 0.1 … 0.9 and γ, for each variant asked for:

    python tools/selfsup/mixer_lambda.py --variants after_norm input \\
        input_gamma1 --steps 300 --seed 0

Variants: ``after_norm`` (default Mixer: (1 + γλ) after C_NC's BatchNorm),
``input`` (eq. 9 placement, before C_NC), ``*_gamma1`` (γ fixed to 1, as the
authors' code), ``concat`` (λ as a channel, before the BatchNorm).
"""
import argparse
import json
from typing import TYPE_CHECKING, List, Optional, Sequence

import numpy as np
import torch

if TYPE_CHECKING:
    from mixtoolbox.models.mixers import SAMixMixer

VARIANTS = dict(
    after_norm=dict(),
    input=dict(lam_position='input'),
    after_norm_gamma1=dict(learnable_gamma=False),
    input_gamma1=dict(lam_position='input', learnable_gamma=False),
    concat=dict(lam_encoding='concat'),
)
LAMS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Mean Mixer mask vs λ after a short fit on the mask '
                    'loss, for several ways of encoding λ.')
    parser.add_argument('--variants', nargs='+', default=list(VARIANTS),
                        choices=list(VARIANTS))
    parser.add_argument('--steps', type=int, default=300)
    parser.add_argument('--lr', type=float, default=0.1,
                        help='SGD learning rate, momentum 0.9 (default 0.1)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--channels', type=int, default=32)
    return parser.parse_args(argv)


def _device(module: torch.nn.Module) -> torch.device:
    """Where ``module``'s parameters are (CPU when it has none)."""
    return next(module.parameters(), torch.empty(0, device='cpu')).device


def feature_batch(g: torch.Generator, n: int = 16, channels: int = 32,
                  size: int = 4) -> torch.Tensor:
    return torch.randn(n, channels, size, size, generator=g,
                       device=g.device).relu()


def fit(mixer: 'SAMixMixer', steps: int = 300, lr: float = 0.1,
        seed: int = 0, channels: int = 32) -> 'SAMixMixer':
    """SGD on ``mixer.mask_loss`` (β set to 1) with batch-shared λ."""
    g = torch.Generator(device=_device(mixer)).manual_seed(seed)
    rng = np.random.RandomState(seed)
    mixer.mask_loss_weight = 1.0
    opt = torch.optim.SGD(mixer.parameters(), lr=lr, momentum=0.9)
    mixer.train()
    for _ in range(steps):
        x = feature_batch(g, channels=channels)
        lam = float(rng.beta(2, 2))
        index = torch.randperm(x.size(0), generator=g, device=g.device)
        loss = mixer.mask_loss(mixer(x, lam, index, (8, 8)), lam)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return mixer


@torch.no_grad()
def mean_masks(mixer: 'SAMixMixer', lams: Sequence[float] = LAMS,
               seed: int = 1, channels: int = 32,
               batches: int = 4) -> List[float]:
    """Mean mask per λ (training mode, fresh batches)."""
    g = torch.Generator(device=_device(mixer)).manual_seed(seed)
    xs = [feature_batch(g, channels=channels) for _ in range(batches)]
    index = torch.randperm(xs[0].size(0), generator=g, device=g.device)
    return [float(torch.stack([mixer(x, lam, index, (8, 8)).mean()
                               for x in xs]).mean()) for lam in lams]


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    from mixtoolbox.models.mixers import SAMixMixer
    for name in args.variants:
        torch.manual_seed(args.seed)
        mixer = SAMixMixer(in_channels=args.channels, **VARIANTS[name])
        fit(mixer, args.steps, args.lr, args.seed, args.channels)
        print(json.dumps(dict(
            variant=name, gamma=round(float(mixer.gamma.detach()), 4),
            mean_mask={lam: round(m, 3) for lam, m in zip(
                LAMS, mean_masks(mixer, channels=args.channels))})))

