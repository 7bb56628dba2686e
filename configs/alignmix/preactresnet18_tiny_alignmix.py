# AlignMixup (Venkataramanan et al., CVPR 2022): lambda ~ Beta(2, 2); with
# probability 0.5 aligned mixing of the last-stage feature maps (Sinkhorn,
# eps = 0.1, at most 100 iterations), input mixup otherwise. Needs POT >= 0.9.6.
# Protocol of seed 001 App. A.1 (PuzzleMix's): SGD lr 0.1, 1200 epochs, x0.1 after 600 and 900.
_base_ = [
    '../_base_/models/resnet18_tiny.py',
    '../_base_/datasets/tiny_imagenet.py',
    '../_base_/schedules/tiny_sgd_1200e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[
    dict(type='AlignMix', alpha=2.0, eps=0.1, max_iter=100, prob=0.5),
    dict(type='Mixup', alpha=2.0, prob=0.5),
])
