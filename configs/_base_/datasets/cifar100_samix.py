# CIFAR-100 as in the CIFAR-100 protocol of Li et al., "Boosting Discriminative
# Visual Representation Learning with Scenario-Agnostic Mixup" (SAMix),
# arXiv:2111.15454, Sec. 4.1: batch 100, RandomCrop 32 with 4-pixel reflect
# padding + horizontal flip.
_base_ = './cifar100.py'
train_dataloader = dict(
    batch_size=100,
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4,
             padding_mode='reflect'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs'),
    ]))
val_dataloader = dict(batch_size=100)
test_dataloader = dict(batch_size=100)
