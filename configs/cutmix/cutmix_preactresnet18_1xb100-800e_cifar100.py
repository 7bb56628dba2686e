# PreActResNet-18 on CIFAR-100: CutMix (Yun et al., "CutMix: Regularization
# Strategy to Train Strong Classifiers with Localizable Features", ICCV 2019),
# alpha = 0.2 (SAMix App. A.1.2: "CutMix, FMix and SaliencyMix use alpha = 0.2"
# on CIFAR-100; the CutMix paper's own alpha = 1 is for its PyramidNet-200
# protocol). Protocol (in the base): the CIFAR-100 baseline protocol of SAMix
# (Li et al., arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[dict(type='CutMix', alpha=0.2)])
