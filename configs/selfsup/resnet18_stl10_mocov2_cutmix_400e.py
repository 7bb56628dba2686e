# STL-10, ResNet-18, 400 epochs.
# MoCo v2 + CutMix, cross-view (Tables 3-4; alpha = 1).
_base_ = [
    './_base_/stl10_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    mix_policy=[dict(type='CutMix', alpha=1.0)],
    view='cross',
)
