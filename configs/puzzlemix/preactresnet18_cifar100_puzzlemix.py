# PreActResNet-18 on CIFAR-100: PuzzleMix with the official CIFAR-100 settings
# (α = 1, b ∈ {2, 4, 8, 16}, 3 mixing levels, β = 1.2, γ = 0.5, η = 0.2,
# neighbourhood 4 px, transport on 4 px blocks with t_eps = 0.8).
# Protocol of seed 001 App. A.1: SGD lr 0.1, ×0.1 every 500 of 2000 epochs.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[
        dict(type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 8, 16),
             n_labels=3, beta=1.2, gamma=0.5, eta=0.2, neigh_size=4,
             transport=True, t_eps=0.8, t_size=4)
    ])
