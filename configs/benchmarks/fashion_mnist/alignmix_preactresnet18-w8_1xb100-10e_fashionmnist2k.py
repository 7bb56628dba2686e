# AlignMixup: S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis,
# "AlignMixup: Improving Representations By Interpolating Aligned Features",
# CVPR 2022, https://arxiv.org/abs/2103.15375: lambda ~ Beta(2, 2); with
# probability 0.5 aligned mixing of the last-stage maps (Sinkhorn, eps = 0.1,
# at most 100 iterations), input mixup otherwise. Needs POT.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[
    dict(type='AlignMix', alpha=2.0, eps=0.1, max_iter=100, prob=0.5),
    dict(type='Mixup', alpha=2.0, prob=0.5)])
