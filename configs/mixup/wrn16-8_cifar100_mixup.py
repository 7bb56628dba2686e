# WRN16-8 on CIFAR-100: input mixup, α = 1 (seed 001 App. A.1 baselines).
_base_ = [
    '../_base_/models/wrn16_8_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)])
