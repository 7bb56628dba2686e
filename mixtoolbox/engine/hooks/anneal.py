"""Set any attribute of the model on a schedule (e.g. the Mixer's mask-loss
weight β, which SAMix decays linearly from 0.1 to 0: §3.3 of S. Li, Z. Liu,
D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual Representation
Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1, 2021,
https://arxiv.org/abs/2111.15454v1, numbered as in that first version)."""
import math
from typing import TYPE_CHECKING, Optional, Sequence

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.hooks.hook import DATA_BATCH
from mmengine.model import is_model_wrapper

from mixtoolbox.models.utils import check_choice, check_real
from mixtoolbox.registry import HOOKS

if TYPE_CHECKING:
    from mmengine.runner import Runner

POLICIES = ('linear', 'cosine', 'step')


def anneal_value(policy: str, start: float, end: Optional[float],
                 progress: float, step: int = 0,
                 milestones: Sequence[int] = (), gamma: float = 0.1) -> float:
    """Value of a schedule.

    Args:
        policy (str): ``'linear'``: start + (end − start)·t; ``'cosine'``:
            end + (start − end)(1 + cos πt)/2; ``'step'``: start·γ^k with k
            the number of milestones ≤ ``step``.
        progress (float): t ∈ [0, 1], the share of training done.
        step (int): the current epoch or iteration (``'step'`` only).
    """
    if policy == 'linear':
        return start + (end - start) * progress
    if policy == 'cosine':
        return end + (start - end) * (1 + math.cos(math.pi * progress)) / 2
    return start * gamma**sum(step >= m for m in milestones)


def unwrap(model: nn.Module) -> nn.Module:
    """``model`` without its DDP / FSDP wrapper."""
    return model.module if is_model_wrapper(model) else model


@HOOKS.register_module()
class AnnealingHook(Hook):
    """Before every training iteration, set ``model.<attr>`` (a dotted path,
    e.g. ``'mixer.mask_loss_weight'``) to its scheduled value.

    The value is computed from the runner's iteration/epoch, so a resumed
    run continues the schedule exactly.

    Args:
        attr (str): dotted attribute path on the (unwrapped) model.
        start (float): value at the start of training.
        end (float, optional): value at the end (``'linear'``, ``'cosine'``);
            must be omitted for ``'step'``.
        policy (str): one of ``'linear'`` (default), ``'cosine'``, ``'step'``.
        by_epoch (bool): progress by epochs (value constant within an epoch)
            instead of iterations. Defaults to False.
        milestones (Sequence[int]): epochs/iterations at which ``'step'``
            multiplies the value by ``gamma``.
        gamma (float): factor of ``'step'``. Defaults to 0.1.

    Example (SAMix's β, §3.3)::

        custom_hooks = [dict(type='AnnealingHook',
                             attr='mixer.mask_loss_weight',
                             start=0.1, end=0.0, policy='linear')]
    """
    priority = 'NORMAL'

    def __init__(self, attr: str, start: float, end: Optional[float] = None,
                 policy: str = 'linear', by_epoch: bool = False,
                 milestones: Sequence[int] = (), gamma: float = 0.1):
        if not isinstance(attr, str) or not all(attr.split('.')):
            raise ValueError('AnnealingHook: `attr` must be a dotted '
                             f'attribute path like "mixer.mask_loss_weight", '
                             f'got {attr!r}')
        check_choice('AnnealingHook', 'policy', policy, POLICIES)
        if (end is None) != (policy == 'step'):
            raise ValueError('AnnealingHook: `end` is required by the linear '
                             'and cosine policies and meaningless for step '
                             f'(policy={policy!r}, end={end!r})')
        for name, value in (('start', start), ('end', end), ('gamma', gamma)):
            if value is not None:
                check_real('AnnealingHook', name, value)
        milestones = list(milestones)
        if policy == 'step' and (
                not milestones or milestones != sorted(set(milestones))
                or not all(isinstance(m, int) and m > 0 for m in milestones)):
            raise ValueError('AnnealingHook: the step policy needs strictly '
                             'increasing positive int `milestones`, got '
                             f'{milestones!r}')
        self.attr, self.policy, self.by_epoch = attr, policy, bool(by_epoch)
        self.start, self.end = start, end
        self.milestones, self.gamma = milestones, gamma

    def _owner(self, runner):
        *path, name = self.attr.split('.')
        obj = unwrap(runner.model)
        for part in path:
            obj = getattr(obj, part)
        return obj, name

    def before_train(self, runner: 'Runner') -> None:
        try:
            owner, name = self._owner(runner)
            getattr(owner, name)
        except AttributeError as err:
            raise AttributeError(
                f'{type(self).__name__}: the model '
                f'({type(unwrap(runner.model)).__name__}) has no attribute '
                f'path {self.attr!r}') from err

    def value(self, runner: 'Runner') -> float:
        if self.by_epoch:
            step, total = runner.epoch, runner.max_epochs
        else:
            step, total = runner.iter, runner.max_iters
        return anneal_value(self.policy, self.start, self.end,
                            min(step / max(total, 1), 1.0), step,
                            self.milestones, self.gamma)

    def before_train_iter(self, runner: 'Runner', batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        owner, name = self._owner(runner)
        setattr(owner, name, self.value(runner))
