# WRN16-8 on CIFAR-100: CutMix, α = 1.
_base_ = [
    '../_base_/models/wrn16_8_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[dict(type='CutMix', alpha=1.0)])
