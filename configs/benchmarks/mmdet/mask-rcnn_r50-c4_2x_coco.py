# Mask R-CNN, ResNet-50-C4, 2x schedule, COCO train2017 -> val2017: the MoCo
# detection protocol of seed 003 (§4.2 "Downstream Tasks", Table 6 AP^b,
# App. A.1.3 "Mask R-CNN with 2x schedule on train2017"): every layer trained
# with SyncBN (MoCo's FREEZE_AT 0). 2x = 24 epochs, steps at 16 / 22 (mmdet's
# schedule_2x, batch 16 = 8 GPUs x 2, lr 0.02); multi-scale training as in
# mmdet's own MoCo v2 transfer config
# (selfsup_pretrain/mask-rcnn_r50-mocov2-pre_fpn_ms-2x_coco.py).
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = 'mmdet::mask_rcnn/mask-rcnn_r50-caffe-c4_1x_coco.py'

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
        frozen_stages=-1,  # detectron2's FREEZE_AT 0: nothing frozen
        norm_cfg=norm_cfg,
        norm_eval=False,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)),
    roi_head=dict(
        # mmdet's C4 Mask R-CNN base has no init_cfg here: res5 would start
        # from random weights
        shared_head=dict(
            style='pytorch',
            norm_cfg=norm_cfg,
            norm_eval=False,
            init_cfg=dict(type='Pretrained', checkpoint=pretrained))))

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomResize', scale=[(1333, 640), (1333, 800)],
         keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

max_epochs = 24
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
         milestones=[16, 22], gamma=0.1)
]
