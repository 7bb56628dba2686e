# Linear evaluation on STL-10 (the SAMix paper, Li et al., arXiv:2111.15454,
# 2021, https://arxiv.org/abs/2111.15454, Table 3): frozen ResNet-18, 96 px.
# Layout of tools/dataset_converters/stl10.py: the 5k labelled training images
# listed in data/stl10/meta/train.txt (so train/unlabeled/, which the
# pre-training reads, is not a class) and the 8k test images in meta/val.txt;
# 10 classes, labels 0-9.
_base_ = ['./_base_/linear_resnet18.py', './_base_/linear_runtime.py']
data_preprocessor = dict(num_classes=10, mean=[113.9, 112.2, 103.7],
                         std=[66.4, 65.4, 68.2], to_rgb=True)
model = dict(head=dict(num_classes=10, topk=(1, )))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=96),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=96, edge='short'),
    dict(type='CenterCrop', crop_size=96),
    dict(type='PackInputs'),
]
classes = ('airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse',
           'monkey', 'ship', 'truck')
train_dataloader = dict(
    batch_size=32, num_workers=8,
    dataset=dict(type='CustomDataset', data_root='data/stl10',
                 data_prefix='train', ann_file='meta/train.txt',
                 metainfo=dict(classes=classes), pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
# testing: the train loader on the test images (meta/val.txt), 64 a batch,
# test pipeline, in order
val_dataloader = dict(
    train_dataloader, batch_size=64,
    dataset=dict(train_dataloader['dataset'], data_prefix='val',
                 ann_file='meta/val.txt', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
