"""Stop (or skip the step) on a NaN / Inf loss, before it reaches the
weights."""
import math
import os.path as osp
from typing import TYPE_CHECKING, Any, Dict, Tuple

import torch
import torch.nn as nn
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.hooks.hook import DATA_BATCH
from torch import Tensor

from mixtoolbox.models.utils import check_bool, check_int
from mixtoolbox.registry import HOOKS

from .anneal import unwrap

if TYPE_CHECKING:
    from mmengine.runner import Runner


class NonFiniteLossError(RuntimeError):
    """A loss term was NaN or infinite; the message names the iteration,
    the method and the term."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Watch every loss term of every training step.

    The check runs between the forward pass and the backward pass (the
    model's ``parse_losses`` and the optimizer wrapper's ``update_params``
    are wrapped for the run), so a non-finite loss never reaches the
    gradients, the optimizer state or the weights:

    * by default the run stops with :class:`NonFiniteLossError`, whose one
      line names the iteration, the method (model type and the mixup drawn
      for that step) and the non-finite term(s), and points at the last
      checkpoint, which is left as it was (nothing is saved after the bad
      step);
    * with ``skip_nonfinite=True`` the step is skipped: no backward, no
      optimizer step, and the model's parameters and buffers are put back
      to what they were before the step (the forward pass of a bad step
      already moved BatchNorm statistics, a MoCo queue, an EMA teacher);
      for that a copy of the model's state is taken before every step, a
      cost in memory and time that only this option pays. A warning is
      logged, and the number of skipped steps
      is logged as ``nonfinite_skipped`` and kept in checkpoints. Set it in
      a config with ``default_hooks = dict(nonfinite=dict(
      skip_nonfinite=True))`` or on the command line with
      ``--cfg-options default_hooks.nonfinite.skip_nonfinite=True``.

    In distributed training the processes agree (one all-reduce of a flag
    per step), so they stop or skip together instead of hanging in DDP's
    gradient all-reduce.

    Args:
        skip_nonfinite (bool): skip and count instead of stopping.
            Defaults to False.
        max_skipped (int, optional): with ``skip_nonfinite``, stop after
            this many skipped steps (a diverged run would otherwise skip
            forever). Defaults to None (no limit).
    """
    priority = 'VERY_HIGH'

    def __init__(self, skip_nonfinite: bool = False, max_skipped=None):
        check_bool('NonFiniteLossHook', 'skip_nonfinite', skip_nonfinite)
        if max_skipped is not None:
            check_int('NonFiniteLossHook', 'max_skipped', max_skipped)
        self.skip_nonfinite = skip_nonfinite
        self.max_skipped = max_skipped
        self.skipped = 0
        self._bad_step = False
        self._mixup = None
        self._snapshot = None

    # ------------------------------------------------------------ wrapping
    def before_train(self, runner: 'Runner') -> None:
        model = unwrap(runner.model)
        parse_losses = model.parse_losses
        optim_wrapper = runner.optim_wrapper
        update_params = optim_wrapper.update_params

        def checked_parse_losses(losses: dict
                                 ) -> Tuple[Tensor, Dict[str, Tensor]]:
            loss, log_vars = parse_losses(losses)
            self._check(runner, model, log_vars)
            return loss, log_vars

        def guarded_update_params(loss: Tensor, *args, **kwargs) -> None:
            if self._bad_step:
                self._bad_step = False
                optim_wrapper.zero_grad()
                with torch.no_grad():
                    for name, value in model.state_dict().items():
                        value.copy_(self._snapshot[name])
                return None
            return update_params(loss, *args, **kwargs)

        model.parse_losses = checked_parse_losses
        optim_wrapper.update_params = guarded_update_params
        policy = getattr(model, 'policy', None)
        if policy is not None and hasattr(policy, 'choose'):
            choose = policy.choose

            def recording_choose(*args, **kwargs) -> Any:
                self._mixup = choose(*args, **kwargs)
                return self._mixup

            policy.choose = recording_choose
        runner.message_hub.update_scalar('train/nonfinite_skipped',
                                         self.skipped)

    def before_train_iter(self, runner: 'Runner', batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        if self.skip_nonfinite:
            self._snapshot = {
                name: value.detach().clone() for name, value in
                unwrap(runner.model).state_dict().items()}

    def after_train(self, runner: 'Runner') -> None:
        self._snapshot = None
        model = unwrap(runner.model)
        for owner, name in ((model, 'parse_losses'),
                            (runner.optim_wrapper, 'update_params'),
                            (getattr(model, 'policy', None), 'choose')):
            if owner is not None and name in vars(owner):
                delattr(owner, name)

    # ------------------------------------------------------------- checks
    def method(self, model: nn.Module) -> str:
        """The model type and, for a mixup policy, this step's mixup."""
        name = type(model).__name__
        if getattr(model, 'policy', None) is not None:
            drawn = type(self._mixup).__name__ if self._mixup is not None \
                else 'no mixing'
            return f'{name} ({drawn} drawn for this step)'
        mixer = getattr(model, 'mixer', None)
        if mixer is not None:
            return f'{name} (with {type(mixer).__name__})'
        return name

    @staticmethod
    def _nonfinite_terms(log_vars) -> list:
        bad = []
        for key, value in log_vars.items():
            if 'loss' not in key or key == 'loss':
                continue
            value = float(value.detach() if torch.is_tensor(value) else
                          value)
            if not math.isfinite(value):
                bad.append(f'{key}={value}')
        total = log_vars.get('loss')
        if total is not None:
            total = float(total.detach() if torch.is_tensor(total) else total)
            if not bad and not math.isfinite(total):
                bad.append(f'loss={total}')
        return bad

    def _check(self, runner, model, log_vars) -> None:
        bad = self._nonfinite_terms(log_vars)
        flag = torch.tensor(float(bool(bad)),
                            device=next(model.parameters()).device)
        if get_world_size() > 1:
            all_reduce(flag, op='sum')
        if flag.item() == 0:
            return
        where = (f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
                 if runner.train_loop is not None else 'a training step')
        terms = ', '.join(bad) if bad else 'on another process'
        text = (f'non-finite loss at {where} of {self.method(model)}: '
                f'{terms}')
        if self.skip_nonfinite and (self.max_skipped is None
                                    or self.skipped < self.max_skipped):
            self.skipped += 1
            self._bad_step = True
            runner.message_hub.update_scalar('train/nonfinite_skipped',
                                             self.skipped)
            runner.logger.warning(f'{text}; step skipped ({self.skipped} '
                                  'skipped so far)')
            return
        last = self._last_checkpoint(runner)
        kept = (f'the last checkpoint {last} is kept as it was' if last else
                'no checkpoint had been saved yet')
        if self.skip_nonfinite:
            stop = f'{self.skipped} steps skipped already (max_skipped)'
        else:
            stop = ('set default_hooks.nonfinite.skip_nonfinite=True to '
                    'skip such steps instead')
        raise NonFiniteLossError(f'{text}; training stopped before the '
                                 f'weights were updated, {kept} ({stop})')

    @staticmethod
    def _last_checkpoint(runner):
        last = runner.message_hub.get_info('last_ckpt')
        if last:
            return last
        pointer = osp.join(runner.work_dir, 'last_checkpoint')
        if osp.isfile(pointer):
            with open(pointer) as f:
                return f.read().strip() or None
        return None

    # -------------------------------------------------------- checkpoints
    def before_save_checkpoint(self, runner: 'Runner', checkpoint: dict
                               ) -> None:
        checkpoint.setdefault('meta', {})['nonfinite_skipped'] = self.skipped

    def after_load_checkpoint(self, runner: 'Runner', checkpoint: dict
                              ) -> None:
        self.skipped = int(checkpoint.get('meta', {}).get(
            'nonfinite_skipped', 0))
