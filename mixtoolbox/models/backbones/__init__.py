from .preact_resnet import PreActResNet
from .wide_resnet import WideResNet

__all__ = ['PreActResNet', 'WideResNet']
