# Faster R-CNN, ResNet-50-C4, fine-tuned on Pascal VOC07+12 trainval, tested on
# VOC2007 test: the MoCo detection protocol of SAMix (Li et al.,
# arXiv:2111.15454; §4.2 "Downstream Tasks", Table 6, App. A.1.3: R50-C4, 24k
# iterations on trainval07+12), as in MoCo's detectron2 config
# pascal_voc_R_50_C4_24k_moco.yaml: batch 16, lr 0.02, 100 warm-up iterations,
# steps at 18k / 22k, short side 480-800 (choice of 480, 512, ..., 800, max
# 1333; test 800), every layer trained (FREEZE_AT 0) with SyncBN, the extra BN
# after res5 of its Res5ROIHeadsExtraNorm head, and precise BN (200 batches)
# before testing (Base-RCNN-C4-BN.yaml). Options, each defaulting to that
# recipe:
#   no extra BN:    --cfg-options model.roi_head.shared_head.type=ResLayer
#   no precise BN:  --cfg-options custom_hooks=[]
# Known differences: SyncBN, not detectron2's NaiveSyncBN; 11-point VOC07 AP.
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = 'mmdet::pascal_voc/faster-rcnn_r50-caffe-c4_ms-18k_voc0712.py'
# ResLayerExtraNorm (mmpretrain registers it in mmdet), PreciseBNHook
custom_imports = dict(imports=['mmpretrain.models.utils.res_layer_extra_norm',
                               'mixtoolbox.transfer.precise_bn'],
                      allow_failed_imports=False)

# Set by tools/benchmarks/mmdet_train.py --backbone (mmdet_transfer.sh).
pretrained = 'work_dirs/transfer/backbone.pth'
# SyncBN across GPUs; mmengine's Runner reverts it to BN in single-process runs
# (no launcher), so one config serves both.
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    # the normalisation mixtoolbox pretrains with
    # (configs/_base_/datasets/imagenet.py): RGB, ImageNet mean / std
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
        # res5 of the same checkpoint: ResLayer's keys are `layer4.*`; the
        # extra BN (`norm.*`) starts fresh, as in MoCo's head
        shared_head=dict(
            type='ResLayerExtraNorm',
            style='pytorch',
            norm_cfg=norm_cfg,
            norm_eval=False,
            init_cfg=dict(type='Pretrained', checkpoint=pretrained))))

max_iter = 24000
train_cfg = dict(max_iters=max_iter, val_interval=4000)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', begin=0, end=max_iter, by_epoch=False,
         milestones=[18000, 22000], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=4000))
# MoCo's TEST.PRECISE_BN (detectron2's NUM_ITER 200), after the last iteration
custom_hooks = [dict(type='PreciseBNHook', num_iters=200)]

# Table 6 reports AP, AP50, AP75 with detectron2's VOC2007 evaluator: 11-point
# AP averaged over IoU 0.50:0.95 (mAP here; AP50 / AP75 per threshold). mmdet
# reports fractions, the paper percent.
val_evaluator = dict(
    type='VOCMetric',
    metric='mAP',
    eval_mode='11points',
    iou_thrs=[0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
test_evaluator = val_evaluator
