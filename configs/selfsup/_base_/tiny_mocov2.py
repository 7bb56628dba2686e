# Tiny-ImageNet self-supervised pre-training: 64 px images cropped and
# resized to 96 px (A.1.3), batch 32 x 8 = 256. Layout as
# configs/_base_/datasets/tiny_imagenet.py (labels unused).
_base_ = ['./mocov2_view_pipeline.py']
data_preprocessor = dict(type='SelfSupDataPreprocessor',
                         mean=[122.46, 114.26, 101.36],
                         std=[70.49, 68.76, 71.93], to_rgb=True)
train_dataloader = dict(
    batch_size=32, num_workers=8, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='CustomDataset', data_root='data/tiny-imagenet-200',
                 data_prefix='train', with_label=False,
                 pipeline={{_base_.train_pipeline}}))
