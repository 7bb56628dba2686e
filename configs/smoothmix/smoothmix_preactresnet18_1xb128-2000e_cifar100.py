# PreActResNet-18 on CIFAR-100: SmoothMix (Gaussian mask), sigma ~ U(0.25, 0.5)
# x image side (the SmoothMix authors' code). Protocol (in the base): App. A.1
# of the MultiMix paper (Venkataramanan et al., NeurIPS 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[dict(type='SmoothMix', sigma=(0.25, 0.5))])
