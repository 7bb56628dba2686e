# Multi-mix: L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup Augmentation with
# Multiple Interpolations", https://arxiv.org/abs/2406.01417, 2024: K = 5
# ordered interpolations per pair (Sec. IV-I), around CutMix (alpha = 1),
# applied on half of the iterations like the `cutmix` row (the CutMix
# authors' CIFAR command, prob 0.5), so that the two differ only in K; the
# paper does not state its CutMix probability. ./multi-interp-cutmix_...py
# applies it on every iteration.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(
    type='MultiInterp', mixup=dict(type='CutMix', alpha=1.0), k=5,
    prob=0.5)])
# keep_freed_memory: see ./multi-interp-puzzlemix_...py
env_cfg = dict(keep_freed_memory=True)
