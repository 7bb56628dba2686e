# SAMix (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) fine-tuning an ImageNet-pretrained
# ResNet-18 on CUB-200 (Table 5: 81.11 top-1 in the paper). Sec. 4.1 / App.
# A.1.2: SGD lr 0.001, wd 5e-4, batch 16, 200 epochs, cosine; RandomResizedCrop
# + flip; alpha = 2, l = 3, eta = 0.5, beta 0.1 -> 0 (linear), momentum 0.999
# -> 1 (cosine). Give the local pretrained weights with
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnet18.pth
# (see ../_base_/models/resnet18_samix_finetune.py).
_base_ = [
    '../_base_/models/resnet18_samix_finetune.py',
    '../_base_/datasets/cub.py',
    '../_base_/schedules/finegrained_sgd_cosine_200e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=200))

# The paper trains the Mixer with the online network's optimiser and schedule
# (above). To give the Mixer its own lr and schedule -- e.g. the published
# OpenMixup fine-grained recipe: Mixer lr 0.1, cosine to 5e-4, while the online
# network keeps lr 0.001, cosine to 0 -- use: optim_wrapper = dict(
#     constructor='PrefixGroupOptimWrapperConstructor',
#     paramwise_cfg=dict(custom_keys={'mixer': dict(lr_mult=100.0)}))
# param_scheduler = [
#     dict(type='PrefixParamScheduler', exclude='mixer',
#          scheduler='CosineAnnealingLR', by_epoch=True, T_max=200,
#          eta_min=0.0),
#     dict(type='PrefixParamScheduler', include='mixer',
#          scheduler='CosineAnnealingLR', by_epoch=True, T_max=200,
#          eta_min=5e-4),
# ]

custom_hooks = [
    *_base_.samix_hooks,
    # 375 iterations per epoch at batch 16: a grid every 20 epochs
    dict(type='MixedGalleryHook', interval=7500),
]
