from .preact_resnet import PreActResNet
from .resnext_cifar import ResNeXt_CIFAR
from .wide_resnet import WideResNet

__all__ = ['PreActResNet', 'ResNeXt_CIFAR', 'WideResNet']
