"""Code shared by the models: config checks, stage taps, momentum (EMA)
encoders and the mixing policy."""
from .ema import MomentumEncoder, ema_weight_of_new, paper_momentum
from .policy import MixPolicy, build_mixup, registered_mixups
from .stages import stage_at, stage_names, stage_output, stage_output_replaced
from .validators import (
                     BadValueError,
                     check_bool,
                     check_choice,
                     check_int,
                     check_positive,
                     check_real,
                     in_range,
                     is_real,
)

__all__ = ['MomentumEncoder', 'ema_weight_of_new', 'paper_momentum',
           'MixPolicy', 'build_mixup', 'registered_mixups', 'stage_at',
           'stage_names', 'stage_output', 'stage_output_replaced',
           'BadValueError', 'check_bool', 'check_choice', 'check_int',
           'check_positive', 'check_real', 'in_range', 'is_real']
