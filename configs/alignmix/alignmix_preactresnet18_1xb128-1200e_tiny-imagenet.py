# AlignMixup (Venkataramanan, Kijak, Amsaleg, Avrithis, CVPR 2022): lambda ~
# Beta(2, 2); with probability 0.5 aligned mixing of the last-stage feature
# maps (Sinkhorn, eps = 0.1, at most 100 iterations), input mixup otherwise.
# Needs POT >= 0.9.6. Protocol: the MultiMix paper's App. A.1 (PuzzleMix's), in
# the base.
_base_ = '../_base_/protocols/preactresnet18_1xb128-1200e_tiny-imagenet.py'
model = dict(mix_policy=[
    dict(type='AlignMix', alpha=2.0, eps=0.1, max_iter=100, prob=0.5),
    dict(type='Mixup', alpha=2.0, prob=0.5),
])
