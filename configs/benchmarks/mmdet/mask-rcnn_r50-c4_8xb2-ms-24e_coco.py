# Mask R-CNN, ResNet-50-C4, 2x schedule, COCO train2017 -> val2017: the MoCo
# detection protocol of SAMix (Li et al., arXiv:2111.15454; §4.2 "Downstream
# Tasks", Table 6 AP^b, App. A.1.3 "Mask R-CNN with 2x schedule on train2017"):
# every layer trained with SyncBN (MoCo's FREEZE_AT 0), as MoCo's detectron2
# config coco_R_50_C4_2x_moco.yaml: batch 16, lr 0.02, 1,000 warm-up iterations
# (detectron2's default WARMUP_ITERS, which the config keeps), short side a
# choice of 640, 672, ..., 800 (max 1333; test 800), the extra BN after res5
# (Res5ROIHeadsExtraNorm) and precise BN (200 batches) before testing. 2x = 24
# epochs with steps at 16 / 22 (mmdet's schedule_2x; detectron2: 180k
# iterations, steps at 120k / 160k = 24.6 / 16.4 / 21.8 epochs of COCO
# train2017 at batch 16). Options, each defaulting to that recipe:
#   no extra BN:      --cfg-options model.roi_head.shared_head.type=ResLayer
#   no precise BN:    --cfg-options custom_hooks=[]
#   mmdet's warm-up:  --cfg-options param_scheduler.0.end=500
# Known difference: SyncBN, not detectron2's NaiveSyncBN.
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = ['mmdet::mask_rcnn/mask-rcnn_r50-caffe-c4_1x_coco.py',
          './_base_/mixtoolbox_c4.py']
# mixtoolbox's normalisation and backbone recipe, res5 with the extra BN
# (./_base_/mixtoolbox_c4.py; mmdet's C4 Mask R-CNN base has no init_cfg
# there: res5 would start from random weights)
norm_cfg = _base_.mixtoolbox_model.backbone.norm_cfg
model = dict(**_base_.mixtoolbox_model,
             roi_head=dict(shared_head=_base_.mixtoolbox_c4_head))

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

max_epochs = 24
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=1000),
    dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
         milestones=[16, 22], gamma=0.1)
]
