# GridMix: K. Baek, D. Bang, H. Shim, "GridMix: Strong regularization
# through local context mapping", Pattern Recognition 109, 2021,
# https://doi.org/10.1016/j.patcog.2020.107594. alpha = 1 and a 4 x 4 grid
# (7-px cells at 28 px) are this toolbox's choices, as in its CIFAR config
# (see mixtoolbox/models/mixups/gridmix.py).
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='GridMix', alpha=1.0, grid_size=4)])
