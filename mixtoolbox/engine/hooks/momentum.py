"""Cosine schedule of the momentum network's decay (SAMix §4.1).

S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 (sections and equations numbered as
in that first arXiv version; later versions are revised).
"""

from mixtoolbox.models.utils import in_range
from mixtoolbox.registry import HOOKS

from .anneal import AnnealingHook


@HOOKS.register_module()
class MomentumScheduleHook(AnnealingHook):
    """Raise the EMA decay m of the momentum network from ``start`` to
    ``end`` on a cosine curve (SAMix §4.1: "gradually increased from
    0.999 to 1 in a cosine curve").

    m is given in the paper's convention, θ_k ← m θ_k + (1 − m) θ_q (eq. 12,
    as in MoCo and OpenMixup). mmengine's ``ExponentialMovingAverage`` takes
    the weight of the *new* value instead (OpenMixup's 0.999 is mmengine's
    0.001); the model's ``momentum`` property converts once
    (:func:`~mixtoolbox.models.utils.ema_weight_of_new`), so configs only
    ever see the paper's numbers.

    Args:
        start (float): m at the first iteration. Defaults to 0.999.
        end (float): m at the end of training. Defaults to 1.0.
        attr (str): the model attribute holding m. Defaults to
            ``'momentum'`` (:class:`AutoMixClassifier`).
        by_epoch (bool): step the schedule per epoch. Defaults to False.

    Example::

        custom_hooks = [dict(type='MomentumScheduleHook', start=0.999,
                             end=1.0)]
    """

    def __init__(self, start: float = 0.999, end: float = 1.0,
                 attr: str = 'momentum', by_epoch: bool = False):
        # decays in the papers' convention: the weight of the old average
        in_range('MomentumScheduleHook', 'start', start, 0, 1)
        in_range('MomentumScheduleHook', 'end', end, 0, 1)
        super().__init__(attr=attr, start=start, end=end, policy='cosine',
                         by_epoch=by_epoch)
