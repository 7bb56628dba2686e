# PreActResNet-18 on CIFAR-100: multi-mix around PuzzleMix, the method of every
# table of Shen, Yu, Yang, Kwok, "Mixup Augmentation with Multiple
# Interpolations", arXiv:2406.01417, 2024, https://arxiv.org/abs/2406.01417
# ("multi-mix (with Puzzle-mix)", Tables I-V): K = 5 mixing priors with sorted
# lambda_k from one Beta(1, 1), one partner, one block grid and one saliency
# pass per step (Sec. III-A3, Sec. IV-I "In practice, we set K to 5").
# PuzzleMix itself with the official CIFAR-100 PreActResNet-18 settings of Kim,
# Choo, Song, "Puzzle Mix", ICML 2020 (alpha = 1, b in {2, 4, 8, 16}, 3 mixing
# levels, beta = 1.2, gamma = 0.5, eta = 0.2, 4-px neighbourhood, transport on
# 4-px blocks with t_eps = 0.8). The K = 1 baseline of their Table I (plain
# PuzzleMix, same protocol):
#   --cfg-options model.mix_policy.0.k=1
# Protocol (in the base): Shen et al. Sec. IV-B1.
_base_ = '../_base_/protocols/preactresnet18_1xb100-300e_cifar100.py'
model = dict(mix_policy=[
    dict(type='MultiInterp', k=5,
         mixup=dict(type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 8, 16),
                    n_labels=3, beta=1.2, gamma=0.5, eta=0.2, neigh_size=4,
                    transport=True, t_eps=0.8, t_size=4))
])
# One K·N batch per step: on CPU its activations exceed glibc's mmap
# threshold and would be mapped afresh every step; keep freed memory
# (mixtoolbox/utils/allocator.py, docs/benchmarks.md); CUDA memory unaffected.
env_cfg = dict(keep_freed_memory=True)
