# PreActResNet-18 on CIFAR-100, the protocol of Venkataramanan, Kijak, Amsaleg,
# Avrithis, "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and
# Beyond Examples" (MultiMix), NeurIPS 2023, https://arxiv.org/abs/2311.05538,
# App. A.1 (AlignMixup's): one GPU, batch 128, SGD lr 0.1, momentum 0.9, wd
# 1e-4, x0.1 every 500 of 2000 epochs.
_base_ = [
    '../models/preactresnet18_cifar.py',
    '../datasets/cifar100.py',
    '../schedules/cifar_sgd_2000e.py',
    '../default_runtime.py',
]
