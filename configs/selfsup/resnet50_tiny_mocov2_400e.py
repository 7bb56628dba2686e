# Tiny-ImageNet, ResNet-50, 400 epochs.
# MoCo v2 baseline (seed 003 Tables 3-4).
_base_ = [
    './_base_/tiny_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=50),
    neck=dict(in_channels=2048),
)
