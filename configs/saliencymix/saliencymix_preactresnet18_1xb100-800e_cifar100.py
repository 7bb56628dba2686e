# PreActResNet-18 on CIFAR-100: SaliencyMix (Uddin et al., "SaliencyMix: A
# Saliency Guided Data Augmentation Strategy for Better Regularization", ICLR
# 2021), alpha = 0.2 (SAMix App. A.1.2, CIFAR-100 setting for SaliencyMix); the
# saliency detector is the method's default (fine-grained, as in the authors'
# code). Protocol (in the base): the CIFAR-100 baseline protocol of SAMix (Li
# et al., arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[dict(type='SaliencyMix', alpha=0.2)])
