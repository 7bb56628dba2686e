# MoCo v2 view augmentations of the SAMix paper (Li et al., "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup",
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, App. A.1.3)
# (mmpretrain transforms; colour jitter and grayscale are torchvision's,
# through mmpretrain's wrapper: mmcv 2.1's hue shift overflows uint8 under
# numpy 2): RandomResizedCrop scale (0.2, 1), ColorJitter (0.4, 0.4, 0.4, 0.1)
# with p = 0.8, RandomGrayscale p = 0.2, Gaussian blur sigma ~ U[0.1, 2] (PIL's
# blur with radius sigma, as MoCo v2's code; the paper's "23 x 23 kernel" is
# the same blur at 224 px) with p = 0.5, horizontal flip. `crop_size` is set by
# the dataset file: `train_pipeline` (96 px, STL-10 / Tiny) or
# `train_pipeline_224` (ImageNet).
view_pipeline = [
    dict(type='RandomResizedCrop', scale=96, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='NumpyToPIL', to_rgb=True),
    dict(type='RandomApply',
         transforms=[dict(type='torchvision/ColorJitter', brightness=0.4,
                          contrast=0.4, saturation=0.4, hue=0.1)],
         prob=0.8),
    dict(type='torchvision/RandomGrayscale', p=0.2),
    dict(type='PILToNumpy', to_bgr=True),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf',
         prob=0.5),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
# the same views at 224 px
view_pipeline_224 = [dict(view_pipeline[0], scale=224), *view_pipeline[1:]]
train_pipeline_224 = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline_224]),
    dict(type='PackInputs'),
]
