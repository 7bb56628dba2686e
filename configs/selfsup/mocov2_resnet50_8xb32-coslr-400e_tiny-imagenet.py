# MoCo v2 baseline of the SAMix paper (Li et al., arXiv:2111.15454, 2021,
# Tables 3-4): Tiny-ImageNet, ResNet-50, 400 epochs.
_base_ = './mocov2_resnet18_8xb32-coslr-400e_tiny-imagenet.py'
model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048))
