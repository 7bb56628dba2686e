# SAMix on Fashion-MNIST, sized for a CPU: PreActResNet-18 of width 8 (layer3:
# 32 channels, 7x7 on 28x28), batch 100, 10 epochs, cosine lr. Mixer, loss and
# schedules as in the CIFAR-100 config (Li et al., SAMix, arXiv:2111.15454,
# 2021, App. A.1.2).
_base_ = [
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/default_runtime.py',
    '../_base_/samix.py',
]
model = dict(
    _base_.samix_model,
    backbone=dict(type='PreActResNet', depth=18, in_channels=1,
                  base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', use_soft=True)),
    mixer=dict(type='SAMixMixer', in_channels=32))
train_dataloader = dict(batch_size=100, num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = val_dataloader

max_epochs = 10
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True,
                       T_max=max_epochs, eta_min=0.0,
                       convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=1, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))

custom_hooks = [
    *_base_.samix_hooks,
    # 600 iterations per epoch: one grid per epoch
    dict(type='MixedGalleryHook', interval=600),
]
