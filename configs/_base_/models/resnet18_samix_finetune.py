# SAMix on an ImageNet-pretrained ResNet-18 (mmpretrain's, ImageNet stem) for
# fine-tuning on small fine-grained sets (SAMix, Li et al., arXiv:2111.15454,
# 2021, https://arxiv.org/abs/2111.15454, Sec. 4.1, Table 5, App. A.1.2): alpha
# = 2, l = 3, eta = 0.5 (small data), momentum 0.999.
#
# Pretrained weights come from a LOCAL file; nothing is downloaded. Both
# layouts load unchanged: a torchvision ResNet-18 state dict (the paper's
# "pre-trained models on IN-1k provided by PyTorch"; mmpretrain's ResNet uses
# the same parameter names, the unused fc.* keys are reported and skipped) or
# an mmpretrain classifier checkpoint with `prefix='backbone.'` added to
# init_cfg. Point at it with
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/weights.pth
_base_ = '../samix.py'
model = dict(
    _base_.samix_model,
    backbone=dict(
        type='ResNet', depth=18, out_indices=(3, ), style='pytorch',
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/resnet18_imagenet.pth')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=200,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', use_soft=True, loss_weight=1.0),
        topk=(1, 5)),
    # layer3 of ResNet-18: 256 channels, 14x14 on 224x224 images
    mixer=dict(type='SAMixMixer', in_channels=256))
