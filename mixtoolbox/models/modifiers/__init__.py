from .base import BaseModifier
from .dense_loss import DenseLoss
from .multi_view import MultiViewDataPreprocessor
from .self_distill import SelfDistill

__all__ = ['BaseModifier', 'DenseLoss', 'MultiViewDataPreprocessor',
           'SelfDistill']
