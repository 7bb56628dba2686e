# Linear evaluation on Tiny-ImageNet (the SAMix paper, Li et al.,
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, Table 4): frozen
# ResNet-18 on the 64 px images resized to the 96 px of pre-training.
_base_ = [
    '../_base_/datasets/tiny_imagenet.py', './_base_/linear_resnet18.py',
    './_base_/linear_runtime.py'
]
model = dict(head=dict(num_classes=200))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=96),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(96, 96)),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=32,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
