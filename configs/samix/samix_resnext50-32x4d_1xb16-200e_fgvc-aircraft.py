# SAMix (Li et al., arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454)
# fine-tuning an ImageNet-pretrained ResNeXt-50 (32x4d) on FGVC-Aircraft (Table
# 5: 86.80 top-1 in the paper); protocol as in
# ./samix_resnet18_1xb16-200e_fgvc-aircraft.py. Local pretrained weights (a
# torchvision resnext50_32x4d state dict loads unchanged into mmpretrain's
# ResNeXt):
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnext50.pth
_base_ = './samix_resnet18_1xb16-200e_fgvc-aircraft.py'
model = dict(
    backbone=dict(
        _delete_=True, type='ResNeXt', depth=50, groups=32,
        width_per_group=4, out_indices=(3, ), style='pytorch',
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/resnext50_32x4d_imagenet.pth')),
    head=dict(in_channels=2048),
    # layer3 of ResNeXt-50: 1024 channels, 14x14 on 224x224 images
    mixer=dict(in_channels=1024),
)
