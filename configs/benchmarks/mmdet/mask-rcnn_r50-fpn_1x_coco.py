# Mask R-CNN, ResNet-50-FPN, 1x, COCO train2017 -> val2017, the setting
# mmdet uses to transfer self-supervised (MoCo v2) backbones: all four stages
# trained (only the stem is frozen: frozen_stages=0), SyncBN in the backbone,
# BN statistics updated (norm_eval=False).
# A faster companion of the seed 003 C4 2x protocol
# (mask-rcnn_r50-c4_2x_coco.py), with the same backbone wiring.
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = 'mmdet::selfsup_pretrain/mask-rcnn_r50-mocov2-pre_fpn_1x_coco.py'

# Set by tools/benchmarks/mmdet_train.py --backbone (mmdet_transfer.sh).
pretrained = 'work_dirs/transfer/backbone.pth'
# SyncBN across GPUs; mmengine's Runner reverts it to BN in single-process
# runs (no launcher), so one config serves both.
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    # the normalisation mixtoolbox pretrains with: RGB, ImageNet mean / std
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        style='pytorch',
        frozen_stages=0,
        norm_cfg=norm_cfg,
        norm_eval=False,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
