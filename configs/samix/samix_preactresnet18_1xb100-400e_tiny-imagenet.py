# SAMix (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) on Tiny-ImageNet with PreActResNet-18
# (64x64, 200 classes). Sec. 4.1: SGD lr 0.2, wd 1e-4, batch 100, 400 epochs,
# cosine, RandomResizedCrop + flip; Mixer settings as for CIFAR-100 (eta = 0.5,
# small dataset, App. A.1.2).
_base_ = [
    '../_base_/models/resnet18_tiny.py',
    '../_base_/datasets/tiny_imagenet.py',
    '../_base_/schedules/cifar_sgd_cosine_800e.py',
    '../_base_/default_runtime.py',
    '../_base_/samix.py',
]
model = dict(
    _base_.samix_model,
    # layer3 of PreActResNet-18: 256 channels, 16x16 on 64x64 images
    mixer=dict(type='SAMixMixer', in_channels=256))
train_dataloader = dict(batch_size=100)
val_dataloader = dict(batch_size=100)
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = dict(T_max=400)
train_cfg = dict(max_epochs=400)

custom_hooks = [
    *_base_.samix_hooks,
    # 1000 iterations per epoch: a grid every 20 epochs
    dict(type='MixedGalleryHook', interval=20000),
]
