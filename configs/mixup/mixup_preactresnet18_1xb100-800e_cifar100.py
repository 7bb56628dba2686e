# PreActResNet-18 on CIFAR-100: input mixup (Zhang, Cisse, Dauphin, Lopez-Paz,
# "mixup: Beyond Empirical Risk Minimization", ICLR 2018), alpha = 1 (SAMix
# App. A.1.2: "Mixup and ResizeMix use alpha = 1"). Protocol (in the base): the
# CIFAR-100 baseline protocol of SAMix (Li et al., arXiv:2111.15454, Sec. 4.1,
# App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)])
