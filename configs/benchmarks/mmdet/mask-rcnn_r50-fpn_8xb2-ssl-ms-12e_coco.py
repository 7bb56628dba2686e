# Mask R-CNN, ResNet-50-FPN, 1x, COCO train2017 -> val2017: the recipe for
# SELF-SUPERVISED backbones of mmselfsup's detection benchmark
# (configs/benchmarks/mmdetection/coco/mask-rcnn_r50_fpn_ms-1x_coco.py), in the
# spirit of the COCO fine-tuning of He et al., "Momentum Contrast for
# Unsupervised Visual Representation Learning", CVPR 2020 (all layers
# fine-tuned end-to-end, BN synchronised). Unlike the supervised recipe
# (faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py: BN frozen, stem + res2
# frozen) every stage trains (frozen_stages=-1), BN statistics update
# (norm_eval=False), SyncBN normalises the backbone, the FPN neck and the heads
# (4-conv + 1-fc box head, mask head), and training is multi-scale (short side
# a choice of 640, 672, ..., 800, max 1333; test 800). Schedule: mmdet's 1x (12
# epochs, batch 16, lr 0.02, 500 warm-up iterations).
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = ['mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py',
          './_base_/mixtoolbox_backbone.py']
# mixtoolbox's normalisation and backbone recipe
# (./_base_/mixtoolbox_backbone.py); its SyncBN also in the neck and heads
norm_cfg = _base_.mixtoolbox_model.backbone.norm_cfg
model = dict(
    **_base_.mixtoolbox_model,
    neck=dict(norm_cfg=norm_cfg),
    roi_head=dict(
        bbox_head=dict(type='Shared4Conv1FCBBoxHead', norm_cfg=norm_cfg),
        mask_head=dict(norm_cfg=norm_cfg)))

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomChoiceResize',
         scales=[(1333, 640), (1333, 672), (1333, 704), (1333, 736),
                 (1333, 768), (1333, 800)],
         keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
