"""Random-number-generator state in checkpoints, so resume is exact."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mixtoolbox.registry import HOOKS


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save the python / numpy / torch RNG states with every checkpoint and
    restore them on resume.

    mmengine re-seeds at start-up but does not carry the generators' states
    across a resume, so a resumed run draws other λ's, boxes and crops than
    an uninterrupted one. With this hook (on in ``default_runtime.py``) and
    ``num_workers=0`` loaders, training N epochs and resuming to N + 1 gives
    the same weights as N + 1 epochs in one go (tested bit-exact on CPU).
    With worker processes the workers' seeds are re-derived per epoch by
    mmengine, which is also reproducible.
    """
    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner: Runner,
                               checkpoint: dict) -> None:
        state = dict(python=random.getstate(), numpy=np.random.get_state(),
                     torch=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint.setdefault('meta', {})['rng_state'] = state

    def after_load_checkpoint(self, runner: Runner,
                              checkpoint: dict) -> None:
        state = checkpoint.get('meta', {}).get('rng_state')
        if state is None:
            runner.logger.warning('RNGStateHook: the checkpoint holds no RNG '
                                  'state; the resumed run will draw other '
                                  'random numbers than an uninterrupted one')
            return
        random.setstate(state['python'])
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'])
        if 'cuda' in state and torch.cuda.is_available() and \
                len(state['cuda']) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(state['cuda'])
