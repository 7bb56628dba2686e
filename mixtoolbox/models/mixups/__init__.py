from .base import BaseMixup, check_batch, check_positive
from .cutmix import CutMix
from .mixup import Mixup
from .resizemix import ResizeMix

__all__ = ['BaseMixup', 'check_batch', 'check_positive', 'Mixup', 'CutMix',
           'ResizeMix']
