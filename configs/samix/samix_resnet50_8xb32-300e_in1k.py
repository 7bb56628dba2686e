# SAMix (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) on ImageNet-1k with ResNet-50
# (mmpretrain's). Sec. 4.1: SGD lr 0.1, wd 1e-4, batch 256 (32 x 8 GPUs), 300
# epochs, cosine; eta = 0.1 for large-scale data (App. A.1.2).
_base_ = [
    '../_base_/models/resnet50.py',
    '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_sgd_300e.py',
    '../_base_/default_runtime.py',
    '../_base_/samix.py',
]
model = dict(
    _base_.samix_model,
    # layer3 of ResNet-50: 1024 channels, 14x14 on 224x224 images
    mixer=dict(type='SAMixMixer', in_channels=1024),
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.1))
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=300, eta_min=0.0)

custom_hooks = [
    *_base_.samix_hooks,
    # 5005 iterations per epoch at batch 256: a grid every ~10 epochs
    dict(type='MixedGalleryHook', interval=50000),
]
