# STL-10, ResNet-18, 400 epochs.
# MoCo v2 (C) + Inter-Intra* (seed 003 App. A.2.1): CutMix alpha = 2
# between pseudo-label clusters, Mixup alpha = 0.2 within one; pseudo labels
# from OnlineClusteringHook, C = 200 (§4.3).
_base_ = [
    './_base_/stl10_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    mix_policy=[dict(type='InterIntraMix',
                     inter=dict(type='CutMix', alpha=2.0),
                     intra=dict(type='Mixup', alpha=0.2))],
    view='cross',
)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='OnlineClusteringHook', num_clusters=200),
]
