# SAMix-I (Li et al., arXiv:2111.15454, 2021, App. A.1.3; see
# ./_base_/samix-i.py): Tiny-ImageNet, ResNet-50, 400 epochs.
_base_ = './samix-i_resnet18_8xb32-coslr-400e_tiny-imagenet.py'
model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048),
             mixer=dict(in_channels=1024))
