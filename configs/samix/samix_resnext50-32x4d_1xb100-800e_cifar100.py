# SAMix (Li et al., arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454)
# on CIFAR-100 with ResNeXt-50 (32x4d) and a CIFAR stem (Table 5: 84.11 top-1
# in the paper). Protocol of ./samix_preactresnet18_1xb100-800e_cifar100.py
# (Sec. 4.1 / App. A.1.2): SGD lr 0.1, wd 1e-4, batch 100, 800 epochs, cosine;
# alpha = 2, l = 3, eta = 0.5. A separate Mixer lr / schedule: see
# docs/methods/samix.md.
_base_ = './samix_preactresnet18_1xb100-800e_cifar100.py'
model = dict(
    backbone=dict(_delete_=True, type='ResNeXt_CIFAR', depth=50, groups=32,
                  width_per_group=4, out_indices=(3, ), style='pytorch'),
    head=dict(in_channels=2048),
    # layer3 of ResNeXt_CIFAR-50: 1024 channels, 8x8 on 32x32 images
    mixer=dict(in_channels=1024),
)
