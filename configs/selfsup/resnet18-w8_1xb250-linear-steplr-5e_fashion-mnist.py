# Linear evaluation of the Fashion-MNIST CPU demo: the pretrained backbone
# frozen (all stages and BN statistics), a linear head on its 64-d pooled
# features. Protocol of the SAMix paper (Li et al., arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454, App. A.1.3) (SGD, momentum 0.9, weight
# decay 0, lr 0.1 decayed x0.1 at 60 % and 80 % of training) shrunk to 5 epochs
# on the first 10k training images, without augmentation, so that it fits the
# demo's CPU budget. The backbone is loaded by tools/selfsup/linear_eval.py:
#   model.backbone.init_cfg=dict(type='Pretrained', checkpoint=CKPT,
#                                prefix='backbone.')
_base_ = [
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=1,
                  stem_channels=8, base_channels=8, frozen_stages=4,
                  norm_eval=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
train_dataloader = dict(
    batch_size=250, num_workers=1,
    dataset=dict(indices=10000, pipeline=[dict(type='PackInputs')]))
# mmpretrain 1.2.0's FashionMNIST picks its files by `test_mode`, not by
# `split`: without test_mode=True, split='test' still reads the 60k training
# images
val_dataloader = dict(batch_size=500, num_workers=1,
                      dataset=dict(test_mode=True))
test_dataloader = val_dataloader

max_epochs = 5
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[3, 4],
                       gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=5, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
