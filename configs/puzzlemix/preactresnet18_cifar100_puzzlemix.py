# PreActResNet-18 on CIFAR-100: PuzzleMix (Kim, Choo, Song, "Puzzle Mix:
# Exploiting Saliency and Local Statistics for Optimal Mixup", ICML 2020)
# with its official CIFAR-100 settings: alpha = 1 (also SAMix App. A.1.2,
# "reproduced by their official implementations with alpha = 1"),
# b in {2, 4, 8, 16}, 3 mixing levels, beta = 1.2, gamma = 0.5, eta = 0.2,
# 4-px neighbourhood, transport on 4-px blocks with t_eps = 0.8.
# Multi-mix over it: ../multi_interp/preactresnet18_cifar100_multi_interp_puzzlemix.py
# Protocol and alpha: the CIFAR-100 baseline table of Li et al., "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup"
# (SAMix), arXiv:2111.15454, Sec. 4.1 and App. A.1.2: SGD lr 0.1, momentum
# 0.9, wd 1e-4, cosine to 0, 800 epochs, batch 100, 4-px reflect-padded crops
# + flip; the mixup runs every iteration (no probability is stated).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100_samix.py',
    '../_base_/schedules/cifar_sgd_cosine_800e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[
        dict(type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 8, 16),
             n_labels=3, beta=1.2, gamma=0.5, eta=0.2, neigh_size=4,
             transport=True, t_eps=0.8, t_size=4)
    ])
