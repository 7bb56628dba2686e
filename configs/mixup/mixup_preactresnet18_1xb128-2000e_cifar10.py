# PreActResNet-18 on CIFAR-10: input mixup, alpha = 1 (a baseline of the
# MultiMix paper, App. A.1). Protocol (in the base): App. A.1 of the MultiMix
# paper (Venkataramanan et al., NeurIPS 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)])
