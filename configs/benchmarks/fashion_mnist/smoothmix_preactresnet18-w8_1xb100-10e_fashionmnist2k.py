# SmoothMix: J.-H. Lee, M. Z. Zaheer, M. Astrid, S.-I. Lee, "SmoothMix: a
# Simple Yet Effective Data Augmentation to Train Robust Classifiers", CVPR
# Workshops 2020; Gaussian mask with sigma ~ U(0.25, 0.5) x image side, as
# in the authors' code.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='SmoothMix', sigma=(0.25, 0.5))])
