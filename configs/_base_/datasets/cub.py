# CUB-200-2011 (200 bird species; 5,994 train / 5,794 test images), read by
# mmpretrain's CUB from `data_root` = the extracted `CUB_200_2011` folder
# (images/, images.txt, image_class_labels.txt, train_test_split.txt);
# nothing is downloaded. Seed 003 Sec. 4.1 / A.1.2: RandomResizedCrop + flip,
# batch 16. The paper gives no image size; 224 is the resolution of the
# ImageNet-pretrained initialisation (test: short edge 256, centre 224).
dataset_type = 'CUB'
data_root = 'data/CUB_200_2011'
data_preprocessor = dict(
    num_classes=200,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
