from .automix_classifier import AutoMixClassifier
from .mixup_classifier import MixupClassifier
from .policy import MixPolicy, build_mixup, registered_mixups

__all__ = ['AutoMixClassifier', 'MixupClassifier', 'MixPolicy', 'build_mixup',
           'registered_mixups']
