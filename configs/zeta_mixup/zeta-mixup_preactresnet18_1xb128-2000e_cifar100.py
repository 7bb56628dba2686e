# PreActResNet-18 on CIFAR-100: zeta-Mixup, gamma = 2.8 (zeta-Mixup paper;
# reproduced "using the same settings" in the MultiMix paper, NeurIPS 2023,
# App. Tables 6-7). Protocol (in the base): App. A.1 of the MultiMix paper
# (Venkataramanan et al., NeurIPS 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[dict(type='ZetaMixup', gamma=2.8)])
