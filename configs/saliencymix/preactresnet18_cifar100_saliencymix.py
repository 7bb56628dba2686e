# PreActResNet-18 on CIFAR-100: SaliencyMix, α = 0.2 (seed 003 App. A.1.2,
# CIFAR-100 setting for SaliencyMix), fine-grained saliency (authors' code).
# Protocol of seed 001 App. A.1: SGD lr 0.1, ×0.1 every 500 of 2000 epochs.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100),
             mix_policy=[dict(type='SaliencyMix', alpha=0.2)])
