# Quick start: a small PreActResNet-18 (width 8) on Fashion-MNIST with CutMix
# (probability 0.5 per iteration), trained through the mmengine Runner on
# CPU. `make quickstart` runs it and prints the top-1 on the full 10,000-image
# test set; the README states the measured time and accuracy.
_base_ = [
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='MixupClassifier',
    backbone=dict(type='PreActResNet', depth=18, in_channels=1,
                  base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', use_soft=True)),
    mix_policy=[dict(type='CutMix', alpha=1.0, prob=0.5)],
)
train_dataloader = dict(batch_size=128, num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = val_dataloader

max_epochs = 3
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True,
                   weight_decay=5e-4))
# one-epoch linear warm-up, then cosine decay to zero
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs,
         T_max=max_epochs - 1, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
test_cfg = dict()
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=1, max_keep_ckpts=1,
                                     save_best=None))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
