# WRN16-8 on CIFAR-10 under the MultiMix protocol (NeurIPS 2023, App. A.1):
# the PreActResNet-18 protocol with the WRN16-8 backbone of
# ../models/wrn16_8_cifar.py (the two networks differ in nothing else).
_base_ = './preactresnet18_1xb128-2000e_cifar10.py'
model = dict(backbone=dict(_delete_=True, type='WideResNet', depth=16,
                           widen_factor=8, out_indices=(2, )))
