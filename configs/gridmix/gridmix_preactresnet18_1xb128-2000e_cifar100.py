# PreActResNet-18 on CIFAR-100: GridMix, alpha = 1, 4 x 4 grid (8-pixel cells);
# both are our choices, see mixtoolbox/models/mixups/gridmix.py. Protocol (in
# the base): App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS
# 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[dict(type='GridMix', alpha=1.0, grid_size=4)])
