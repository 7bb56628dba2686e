# Tiny-ImageNet-200 (64×64, 200 classes), batch 128 (the MultiMix paper,
# Venkataramanan et al., NeurIPS 2023, https://arxiv.org/abs/2311.05538, App.
# A.1). Expected layout under `data_root` (class folders for both splits; move
# the official val images into val/<wnid>/ with val_annotations.txt first):
#   train/<wnid>/images/*.JPEG   val/<wnid>/*.JPEG
# The ImageNet loaders (./imagenet.py) at 64 px, read as class folders.
_base_ = './imagenet.py'
dataset_type = 'CustomDataset'
data_root = 'data/tiny-imagenet-200'
data_preprocessor = dict(
    num_classes=200,
    mean=[122.46, 114.26, 101.36],
    std=[70.49, 68.76, 71.93])

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=64),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]
# class folders: `data_prefix` in place of ImageNet's `split`
train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 data_prefix='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=128,
    num_workers=4,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 data_prefix='val', pipeline=test_pipeline))
test_dataloader = val_dataloader
