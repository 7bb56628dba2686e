# Linear evaluation on Tiny-ImageNet (the SAMix paper, Li et al.,
# arXiv:2111.15454, 2021, Table 4): frozen ResNet-50.
_base_ = ['./resnet18_8xb32-linear-steplr-100e_tiny-imagenet.py']
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
