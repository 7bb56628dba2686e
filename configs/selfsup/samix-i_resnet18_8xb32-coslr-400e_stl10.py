# SAMix-I (Li et al., arXiv:2111.15454, 2021, App. A.1.3; see
# ./_base_/samix-i.py): STL-10, ResNet-18, 400 epochs.
_base_ = ['./_base_/stl10_mocov2.py', './_base_/samix-i.py']
model = dict(data_preprocessor={{_base_.data_preprocessor}})
