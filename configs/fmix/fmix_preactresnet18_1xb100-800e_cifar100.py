# PreActResNet-18 on CIFAR-100: FMix (Harris et al., "FMix: Enhancing Mixed
# Sample Data Augmentation", arXiv:2002.12047), decay power 3 (FMix paper),
# alpha = 0.2 (SAMix App. A.1.2, CIFAR-100 setting for FMix). Protocol (in the
# base): the CIFAR-100 baseline protocol of SAMix (Li et al., arXiv:2111.15454,
# Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[dict(type='FMix', alpha=0.2, decay_power=3.0)])
