"""The mixing policy: which mixup (if any) runs in this iteration.

The example is the recipe of MultiMix (Venkataramanan et al., "Teach me how
to Interpolate a Myriad of Embeddings", ICLR 2023 submission,
https://openreview.net/forum?id=iF0B-U0J5fG, App. A.1).
"""
import copy
from typing import Any, List, Optional, Sequence

import numpy as np

from mixtoolbox.registry import BATCH_AUGMENTS, own_scope

from .validators import in_range


def registered_mixups() -> List[str]:
    """Names a mixup config may use: ours, then mmpretrain's (prefixed)."""
    return sorted(BATCH_AUGMENTS.module_dict) + sorted(
        f'mmpretrain.{k}' for k in BATCH_AUGMENTS.parent.module_dict)


def build_mixup(cfg: dict) -> Any:
    """Build one mixup from a config dict in the toolbox's scope (whatever
    the caller's default scope): ``'MultiMix'``, ``'mixtoolbox.MultiMix'``
    and ``'mmpretrain.Mixup'`` all resolve. A type found nowhere is a
    ValueError that lists the registered ones."""
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError('a mixup config must be a dict with a `type` key, '
                        f'got {cfg!r}')
    with own_scope():
        known = not isinstance(cfg['type'], str) or \
            BATCH_AUGMENTS.get(cfg['type']) is not None
        if not known:
            raise ValueError(f'unknown mixup type {cfg["type"]!r}; '
                             'registered mixups: '
                             f'{", ".join(registered_mixups())}')
        return BATCH_AUGMENTS.build(cfg)


class MixPolicy:
    """Per-iteration choice among several mixups.

    Args:
        mixups (Sequence[dict]): mixup configs, each with a ``prob`` key: the
            probability of using that mixup in an iteration. Probabilities
            must be ≥ 0 and sum to ≤ 1; the rest is the probability of a
            plain (unmixed) iteration. A single mixup may omit ``prob``
            (then it is used every iteration).

    Example (MultiMix, App. A.1: MultiMix with probability 0.5, input mixup
    otherwise)::

        mix_policy=[dict(type='MultiMix', prob=0.5),
                    dict(type='Mixup', alpha=1.0, prob=0.5)]
    """

    def __init__(self, mixups: Optional[Sequence[dict]] = None):
        mixups = [] if mixups is None else mixups
        if isinstance(mixups, dict):
            mixups = [mixups]
        if not isinstance(mixups, (list, tuple)):
            raise TypeError('mix_policy must be a list of mixup configs '
                            f'(dicts with `type` and `prob`), got {mixups!r}')
        self.mixups: List = []
        probs = []
        for i, cfg in enumerate(mixups):
            cfg = copy.deepcopy(cfg)
            if not isinstance(cfg, dict):
                raise TypeError(f'mix_policy[{i}] must be a dict, got {cfg!r}')
            if 'prob' not in cfg and len(mixups) > 1:
                raise ValueError(f'mix_policy[{i}] ({cfg.get("type")}) needs '
                                 'a `prob`: with several mixups each one '
                                 'states its per-iteration probability')
            probs.append(in_range(None, f'mix_policy[{i}].prob',
                                  cfg.pop('prob', 1.0), 0, 1))
            self.mixups.append(build_mixup(cfg))
        if sum(probs) > 1 + 1e-6:
            raise ValueError('the probabilities of mix_policy must sum to at '
                             f'most 1 (the rest means no mixing), got '
                             f'{probs} summing to {sum(probs):g}')
        self.probs = probs

    def __len__(self) -> int:
        return len(self.mixups)

    def choose(self, u: Optional[float] = None) -> Optional[Any]:
        """The mixup for this iteration, or None for a plain one.

        Args:
            u (float, optional): a number in [0, 1) to decide with; drawn
                from numpy's global RNG (seeded by mmengine) when omitted.
        """
        if u is None:
            u = np.random.random_sample()
        edge = 0.0
        for mixup, prob in zip(self.mixups, self.probs):
            edge += prob
            if u < edge:
                return mixup
        return None

    def __repr__(self) -> str:
        items = ', '.join(f'{m!r}: p={p:g}'
                          for m, p in zip(self.mixups, self.probs))
        return f'MixPolicy([{items}])'
