# WRN16-8 on CIFAR-100: no mixing (the baseline of every table). Protocol (in
# the base): App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS
# 2023).
_base_ = '../_base_/protocols/wrn16-8_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[])
