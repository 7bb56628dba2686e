from .mixup_classifier import MixupClassifier
from .policy import MixPolicy, build_mixup, registered_mixups

__all__ = ['MixupClassifier', 'MixPolicy', 'build_mixup',
           'registered_mixups']
