# PreActResNet-18 on CIFAR-10 under the MultiMix protocol (NeurIPS 2023, App.
# A.1; see ./preactresnet18_1xb128-2000e_cifar100.py).
_base_ = [
    '../models/preactresnet18_cifar.py',
    '../datasets/cifar10.py',
    '../schedules/cifar_sgd_2000e.py',
    '../default_runtime.py',
]
model = dict(head=dict(num_classes=10))
