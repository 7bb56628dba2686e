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
_base_ = ['mmdet::pascal_voc/faster-rcnn_r50-caffe-c4_ms-18k_voc0712.py',
          './_base_/mixtoolbox_c4.py']
# mixtoolbox's normalisation and backbone recipe, res5 with the extra BN
# (./_base_/mixtoolbox_c4.py)
norm_cfg = _base_.mixtoolbox_model.backbone.norm_cfg
model = dict(**_base_.mixtoolbox_model,
             roi_head=dict(shared_head=_base_.mixtoolbox_c4_head))

max_iter = 24000
train_cfg = dict(max_iters=max_iter, val_interval=4000)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', begin=0, end=max_iter, by_epoch=False,
         milestones=[18000, 22000], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=4000))

# Table 6 reports AP, AP50, AP75 with detectron2's VOC2007 evaluator: 11-point
# AP averaged over IoU 0.50:0.95 (mAP here; AP50 / AP75 per threshold). mmdet
# reports fractions, the paper percent.
val_evaluator = dict(
    type='VOCMetric',
    metric='mAP',
    eval_mode='11points',
    iou_thrs=[0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
test_evaluator = val_evaluator
