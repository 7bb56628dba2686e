# Faster R-CNN, ResNet-50-FPN, 1x, COCO train2017 -> val2017: the MS-COCO
# column of seed 001 Table 4 (§4.3, "following the settings of CutMix": an
# ImageNet-pretrained R-50 as the Faster R-CNN backbone; the paper gives no
# further detail, so this is mmdet's standard schedule: 12 epochs, batch 16,
# lr 0.02, stem + res2 frozen).
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'

# Set by tools/benchmarks/mmdet_train.py --backbone (mmdet_transfer.sh).
pretrained = 'work_dirs/transfer/backbone.pth'
# SyncBN across GPUs; mmengine's Runner reverts it to BN in single-process
# runs (no launcher), so one config serves both.
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    # the normalisation mixtoolbox pretrains with: RGB, ImageNet mean / std
    # (already mmdet's for pytorch-style ResNets; stated to keep them tied)
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        style='pytorch',
        norm_cfg=norm_cfg,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
