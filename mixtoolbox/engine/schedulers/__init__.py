from .prefix_param_scheduler import PrefixParamScheduler

__all__ = ['PrefixParamScheduler']
