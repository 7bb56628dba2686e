# PreActResNet-18 on CIFAR-100: ζ-Mixup, γ = 2.8 (ζ-Mixup paper; reproduced
# "using the same settings" in the MultiMix
# paper, App. Tables 6-7).
# Protocol of Venkataramanan, Kijak, Amsaleg, Avrithis, "Embedding Space Interpolation
# Beyond Mini-Batch, Beyond Pairs and Beyond Examples" (MultiMix), NeurIPS 2023,
# App. A.1: SGD lr 0.1, x0.1 every 500 of 2000 epochs, batch 128.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100),
             mix_policy=[dict(type='ZetaMixup', gamma=2.8)])
