# STL-10 self-supervised pre-training, 96 px, batch 32 x 8 = 256 (the SAMix
# paper, Li et al., arXiv:2111.15454, 2021, App. A.1.3).
# Layout of tools/dataset_converters/stl10.py, labels unused: every image under
# data/stl10/train/ = train/unlabeled/ (100k) + train/<class>/ (5k), 105k in
# all.
_base_ = ['./mocov2_view_pipeline.py']
data_preprocessor = dict(type='SelfSupDataPreprocessor',
                         mean=[113.9, 112.2, 103.7], std=[66.4, 65.4, 68.2],
                         to_rgb=True)
train_dataloader = dict(
    batch_size=32, num_workers=8, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='CustomDataset', data_root='data/stl10',
                 data_prefix='train', with_label=False,
                 pipeline={{_base_.train_pipeline}}))
