# STL-10, ResNet-50, 800 epochs.
# MoCo v2 baseline (seed 003 Tables 3-4).
_base_ = [
    './_base_/stl10_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=50),
    neck=dict(in_channels=2048),
)
max_epochs = 800
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=max_epochs)
