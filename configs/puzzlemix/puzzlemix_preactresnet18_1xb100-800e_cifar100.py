# PreActResNet-18 on CIFAR-100: PuzzleMix (Kim, Choo, Song, "Puzzle Mix:
# Exploiting Saliency and Local Statistics for Optimal Mixup", ICML 2020) with
# its official CIFAR-100 settings: alpha = 1 (also SAMix App. A.1.2,
# "reproduced by their official implementations with alpha = 1"), b in {2, 4,
# 8, 16}, 3 mixing levels, beta = 1.2, gamma = 0.5, eta = 0.2, 4-px
# neighbourhood, transport on 4-px blocks with t_eps = 0.8. Multi-mix over it:
# ../multi_interp/multi-interp-puzzlemix_preactresnet18_1xb100-300e_cifar100.py
# Protocol (in the base): the CIFAR-100 baseline protocol of SAMix (Li et al.,
# arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[
    dict(type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 8, 16),
         n_labels=3, beta=1.2, gamma=0.5, eta=0.2, neigh_size=4,
         transport=True, t_eps=0.8, t_size=4)
])
