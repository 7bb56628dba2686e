# AlignMixup (Venkataramanan et al., CVPR 2022): lambda ~ Beta(2, 2); with
# probability 0.5 aligned mixing of the last-stage feature maps (Sinkhorn,
# eps = 0.1, at most 100 iterations), input mixup otherwise. Needs POT >= 0.9.6.
# Protocol of Venkataramanan, Kijak, Amsaleg, Avrithis, "Embedding Space Interpolation
# Beyond Mini-Batch, Beyond Pairs and Beyond Examples" (MultiMix), NeurIPS 2023,
# App. A.1 (AlignMixup's, Venkataramanan et al., CVPR 2022): SGD lr 0.1, x0.1
# every 500 of 2000 epochs, batch 128.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100), mix_policy=[
    dict(type='AlignMix', alpha=2.0, eps=0.1, max_iter=100, prob=0.5),
    dict(type='Mixup', alpha=2.0, prob=0.5),
])
