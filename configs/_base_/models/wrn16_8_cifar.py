# WRN16-8 (the MultiMix paper, arXiv:2206.14868, Table 1) → GAP → linear,
# soft-target CE: ./preactresnet18_cifar.py with the WideResNet backbone (its
# last stage also gives 512 channels).
_base_ = './preactresnet18_cifar.py'
model = dict(
    backbone=dict(_delete_=True, type='WideResNet', depth=16, widen_factor=8,
                  out_indices=(2, )))
