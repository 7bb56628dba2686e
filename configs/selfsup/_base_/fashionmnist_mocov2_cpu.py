# MoCo v2 on Fashion-MNIST, sized for a 2-core CPU (the self-supervised demo of
# docs/methods/selfsup.md). Network: mmpretrain's ResNet_CIFAR-18 at width 8
# (8/16/32/64 channels, layer3 maps 7x7 on 28x28), MoCo v2 neck 128-d.
# Augmentations: the MoCo v2 recipe of the SAMix paper (Li et al.,
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, App. A.1.3)
# restricted to what a grey image has: RandomResizedCrop (scale 0.2-1), flip,
# brightness jitter 0.4 with p = 0.8 (contrast / saturation / hue / grayscale
# need colour channels), Gaussian blur sigma in [0.1, 2] with p = 0.5.
default_scope = 'mixtoolbox'
_base_ = ['../../_base_/default_runtime.py', './mocov2_resnet.py']

data_preprocessor = dict(type='SelfSupDataPreprocessor', mean=[72.94],
                         std=[90.02], to_rgb=False)
view_pipeline = [
    dict(type='RandomResizedCrop', scale=28, crop_ratio_range=(0.2, 1.0),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomApply',
         transforms=[dict(type='ColorJitter', brightness=0.4, backend='cv2')],
         prob=0.8),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf',
         prob=0.5),
]
train_pipeline = [
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    # the first 6400 training images: 100 iterations per epoch, so that a
    # demo run fits a few minutes on 2 cores (drop for the full set)
    dataset=dict(type='FashionMNIST', data_root='data/fashion_mnist',
                 split='train', download=False, indices=6400,
                 pipeline=train_pipeline))

# the MoCo v2 network of ./mocov2_resnet.py at Fashion-MNIST size
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(_delete_=True, type='ResNet_CIFAR', depth=18, in_channels=1,
                  stem_channels=8, base_channels=8),
    neck=dict(in_channels=64, hid_channels=128),
    # 64 batches of 64 (the queue must be a multiple of the global batch)
    queue_len=4096)

max_epochs = 2
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.06, momentum=0.9, weight_decay=1e-4))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=1, max_keep_ckpts=1,
                                     save_best=None))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
