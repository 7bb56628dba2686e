# MoCo v2 baseline of the SAMix paper (Li et al., arXiv:2111.15454, 2021,
# Tables 3-4): STL-10, ResNet-18, 400 epochs.
_base_ = [
    './_base_/stl10_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(data_preprocessor={{_base_.data_preprocessor}})
