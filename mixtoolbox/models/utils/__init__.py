from .ema import MomentumEncoder

__all__ = ['MomentumEncoder']
