# ImageNet-1k self-supervised pre-training, 224 px, batch 32 x 8 = 256 (the
# SAMix paper, Li et al., arXiv:2111.15454, 2021, App. A.1.3);
# mmpretrain's ImageNet layout (labels unused).
_base_ = ['./mocov2_view_pipeline.py']
data_preprocessor = dict(type='SelfSupDataPreprocessor',
                         mean=[123.675, 116.28, 103.53],
                         std=[58.395, 57.12, 57.375], to_rgb=True)
train_dataloader = dict(
    batch_size=32, num_workers=8, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ImageNet', data_root='data/imagenet', split='train',
                 pipeline={{_base_.train_pipeline_224}}))
