# SAMix (Li, Liu, Wu, Liu, Li, "Boosting Discriminative Visual Representation
# Learning with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) on CIFAR-100 with PreActResNet-18: Mixer on
# the layer-3 maps of the momentum network, alpha = 2, eta = 0.5, beta 0.1 -> 0
# (linear), momentum 0.999 -> 1 (cosine); Sec. 3.3, 4.1 and App. A.1.2.
# Protocol (in the base): Sec. 4.1.
_base_ = ['../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py',
          '../_base_/samix.py']
model = dict(
    _base_.samix_model,
    # layer3 of PreActResNet-18 has 256 channels (8x8 on 32x32 images)
    mixer=dict(type='SAMixMixer', in_channels=256),
    clean_loss_weight=1.0,
    lam_margin=0.08,
    lam_adjust=0.25,
)

custom_hooks = [
    *_base_.samix_hooks,
    # 500 iterations per epoch: a grid every 25 epochs
    dict(type='MixedGalleryHook', interval=12500),
]
