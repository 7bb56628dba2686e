from mixtoolbox.models.utils.policy import (
                                            MixPolicy,
                                            build_mixup,
                                            registered_mixups,
)

from .automix_classifier import AutoMixClassifier
from .mixup_classifier import MixupClassifier

# MixPolicy, build_mixup and registered_mixups live in models/utils; they
# stay importable from here, where they have been public
__all__ = ['AutoMixClassifier', 'MixupClassifier', 'MixPolicy', 'build_mixup',
           'registered_mixups']
