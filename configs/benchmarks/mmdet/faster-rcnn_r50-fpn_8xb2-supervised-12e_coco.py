# Faster R-CNN, ResNet-50-FPN, 1x, COCO train2017 -> val2017, mmdet's recipe
# for SUPERVISED ImageNet backbones: the MS-COCO column of Table 4 of
# Venkataramanan et al., "Embedding Space Interpolation Beyond Mini-Batch,
# Beyond Pairs and Beyond Examples", NeurIPS 2023 (§4.3, "following the
# settings of CutMix": a supervised R-50 as the Faster R-CNN backbone; no
# further detail, so mmdet's standard schedule: 12 epochs, batch 16, lr 0.02).
# BatchNorm is frozen as mmdet does for supervised backbones: every BN layer in
# eval mode (norm_eval=True: the pretrained running statistics are used, never
# updated) and stem + res2 frozen entirely (frozen_stages=1); the BN affine
# parameters of res3-res5 still train. With statistics frozen the norm type
# does not matter, so it is plain BN (SyncBN would change nothing). For
# self-supervised backbones use mask-rcnn_r50-fpn_8xb2-ssl-ms-12e_coco.py.
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = ['mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
          './_base_/mixtoolbox_backbone.py']
# mixtoolbox's normalisation (./_base_/mixtoolbox_backbone.py; already mmdet's
# for pytorch-style ResNets, stated to keep them tied) and its backbone with
# mmdet's supervised settings
model = dict(
    data_preprocessor=_base_.mixtoolbox_model.data_preprocessor,
    backbone=dict(
        _base_.mixtoolbox_model.backbone,
        frozen_stages=1,  # stem + res2 (mmdet's default, stated)
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True))  # BN statistics frozen (mmdet's default, stated)
