# STL-10, ResNet-18, 400 epochs.
# MoCo v2 + Mixup, cross-view x_m = h(x_i^q, x_j^k) with the mixup
# infoNCE of eq. (4) added to MoCo's loss (Tables 3-4; alpha = 1 as in Fig. 3b).
_base_ = [
    './_base_/stl10_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    mix_policy=[dict(type='Mixup', alpha=1.0)],
    view='cross',
)
