# MoCo v2 (C) + Inter-Intra* of the SAMix paper (Li et al., "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup",
# arXiv:2111.15454, 2021, App. A.2.1): CutMix alpha = 2 between pseudo-label
# clusters, Mixup alpha = 0.2 within one; pseudo labels from
# OnlineClusteringHook, C = 200 (Sec. 4.3). STL-10, ResNet-18, 400 epochs.
_base_ = './mocov2_resnet18_8xb32-coslr-400e_stl10.py'
model = dict(
    mix_policy=[dict(type='InterIntraMix',
                     inter=dict(type='CutMix', alpha=2.0),
                     intra=dict(type='Mixup', alpha=0.2))],
    view='cross',
)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='OnlineClusteringHook', num_clusters=200),
]
