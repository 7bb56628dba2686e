# The ImageNet-pretrained ResNeXt-50 (32x4d) of the SAMix fine-grained
# fine-tuning configs (SAMix, Li et al., arXiv:2111.15454, 2021, Table 5), as
# the model change each of them merges into its ResNet-18 base: a helper key,
# `resnext50_finetune`, that stays in the loaded config (mmengine refuses two
# bases that both define `model`).
resnext50_finetune = dict(
    backbone=dict(
        _delete_=True, type='ResNeXt', depth=50, groups=32,
        width_per_group=4, out_indices=(3, ), style='pytorch',
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/resnext50_32x4d_imagenet.pth')),
    head=dict(in_channels=2048),
    # layer3 of ResNeXt-50: 1024 channels, 14x14 on 224x224 images
    mixer=dict(in_channels=1024),
)
