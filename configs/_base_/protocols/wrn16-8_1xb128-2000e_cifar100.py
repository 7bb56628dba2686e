# WRN16-8 on CIFAR-100 under the MultiMix protocol (NeurIPS 2023, App. A.1; see
# ./preactresnet18_1xb128-2000e_cifar100.py).
_base_ = [
    '../models/wrn16_8_cifar.py',
    '../datasets/cifar100.py',
    '../schedules/cifar_sgd_2000e.py',
    '../default_runtime.py',
]
