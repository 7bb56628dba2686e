# Linear evaluation on ImageNet-1k (seed 003 Table 4): frozen ResNet-50,
# lr 30 (MoCo's), 224 px (RandomResizedCrop + flip / resize 256 + centre
# crop 224, configs/_base_/datasets/imagenet.py).
_base_ = ['../_base_/datasets/imagenet.py', './_base_/linear_runtime.py']
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=50, frozen_stages=4, norm_eval=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=2048,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
optim_wrapper = dict(optimizer=dict(lr=30.0))
