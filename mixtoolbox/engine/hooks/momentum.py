"""Cosine schedule of the momentum network's decay (seed 003 §4.1)."""
import numbers

from mixtoolbox.registry import HOOKS
from .anneal import AnnealingHook


@HOOKS.register_module()
class MomentumScheduleHook(AnnealingHook):
    """Raise the EMA decay m of the momentum network from ``start`` to
    ``end`` on a cosine curve (seed 003 §4.1: "gradually increased from
    0.999 to 1 in a cosine curve").

    m is given in the paper's convention, θ_k ← m θ_k + (1 − m) θ_q (eq. 12,
    as in MoCo and OpenMixup). mmengine's ``ExponentialMovingAverage`` takes
    the weight of the *new* value instead (OpenMixup's 0.999 is mmengine's
    0.001); the model's ``momentum`` property converts once
    (:func:`~mixtoolbox.models.classifiers.automix_classifier.
    ema_weight_of_new`), so configs only ever see the paper's numbers.

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
        for name, value in (('start', start), ('end', end)):
            if isinstance(value, bool) or not isinstance(
                    value, numbers.Real) or not 0 <= value <= 1:
                raise ValueError(f'MomentumScheduleHook: `{name}` must be a '
                                 'decay in [0, 1] (paper convention: weight '
                                 f'of the old average), got {value!r}')
        super().__init__(attr=attr, start=start, end=end, policy='cosine',
                         by_epoch=by_epoch)
