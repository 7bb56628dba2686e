# ImageNet-1k, ResNet-50, 200 epochs.
# MoCo v2 baseline (seed 003 Tables 3-4).
# Seed 003 gives no ImageNet pre-training length; 200 epochs is MoCo v2's.
_base_ = [
    './_base_/imagenet_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=50),
    neck=dict(in_channels=2048),
    queue_len=65536,
)
max_epochs = 200
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=max_epochs)
