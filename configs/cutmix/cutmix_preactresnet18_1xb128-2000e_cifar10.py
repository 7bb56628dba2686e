# PreActResNet-18 on CIFAR-10: CutMix, alpha = 1. Protocol (in the base): App.
# A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[dict(type='CutMix', alpha=1.0)])
