# Multi-mix over PuzzleMix: L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup
# Augmentation with Multiple Interpolations", https://arxiv.org/abs/2406.01417,
# 2024: K = 5 ordered interpolations per pair (Sec. IV-I) around the
# benchmark's PuzzleMix (./puzzlemix_...py: its official CIFAR settings with
# the block and tile sizes 28 px forces). keep_freed_memory: the K x 100
# batch's activations would otherwise be mapped afresh by glibc every step
# (docs/benchmarks.md).
_base_ = './puzzlemix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(
    type='MultiInterp', k=5,
    mixup=dict(type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 7),
               n_labels=3, beta=1.2, gamma=0.5, eta=0.2, neigh_size=7,
               transport=True, t_eps=0.8, t_size=7))])
env_cfg = dict(keep_freed_memory=True)
