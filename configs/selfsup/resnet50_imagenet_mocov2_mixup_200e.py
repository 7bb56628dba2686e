# ImageNet-1k, ResNet-50, 200 epochs.
# MoCo v2 + Mixup, cross-view x_m = h(x_i^q, x_j^k) with the mixup
# infoNCE of eq. (4) added to MoCo's loss (Tables 3-4; alpha = 1 as in Fig. 3b).
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
    mix_policy=[dict(type='Mixup', alpha=1.0)],
    view='cross',
)
max_epochs = 200
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=max_epochs)
