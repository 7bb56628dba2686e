# PreActResNet-18 on CIFAR-100: multi-mix around PuzzleMix, the method of
# every table of Shen, Yu, Yang, Kwok, "Mixup Augmentation with Multiple
# Interpolations", arXiv:2406.01417, 2024 ("multi-mix (with Puzzle-mix)",
# Tables I-V): K = 5 mixing priors with sorted lambda_k from one Beta(1, 1),
# one partner, one block grid and one saliency pass per step (SIII-A3, SIV-I
# "In practice, we set K to 5").
# PuzzleMix itself with the official CIFAR-100 PreActResNet-18 settings of
# Kim, Choo, Song, "Puzzle Mix", ICML 2020 (alpha = 1, b in {2, 4, 8, 16},
# 3 mixing levels, beta = 1.2, gamma = 0.5, eta = 0.2, 4-px neighbourhood,
# transport on 4-px blocks with t_eps = 0.8).
# Protocol of Shen et al. SIV-B1 (after Co-Mixup, Kim et al., ICLR 2021):
# SGD lr 0.2, x0.1 at epochs 100 and 200, 300 epochs, batch 100 (weight decay
# is not stated there; the base 1e-4).
# The K = 1 baseline of their Table I (plain PuzzleMix, same protocol):
#   --cfg-options model.mix_policy.0.k=1
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[
        dict(type='MultiInterp', k=5,
             mixup=dict(type='PuzzleMix', alpha=1.0,
                        block_nums=(2, 4, 8, 16), n_labels=3, beta=1.2,
                        gamma=0.5, eta=0.2, neigh_size=4, transport=True,
                        t_eps=0.8, t_size=4))
    ])
optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = dict(milestones=[100, 200])
train_cfg = dict(max_epochs=300)
train_dataloader = dict(batch_size=100)
auto_scale_lr = dict(base_batch_size=100)
