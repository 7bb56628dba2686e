# Linear evaluation on ImageNet-1k (the SAMix paper, Li et al.,
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, Table 4): frozen
# ResNet-50, lr 30 (MoCo's), 224 px (RandomResizedCrop + flip / resize 256 +
# centre crop 224, configs/_base_/datasets/imagenet.py).
_base_ = [
    '../_base_/datasets/imagenet.py', './_base_/linear_resnet18.py',
    './_base_/linear_runtime.py'
]
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
optim_wrapper = dict(optimizer=dict(lr=30.0))
