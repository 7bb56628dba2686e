# SSD300 with a ResNet-50 backbone, Pascal VOC07+12 trainval -> VOC2007 test
# (11-point mAP@0.5): the VOC07+12 column of Table 4 of MultiMix
# (Venkataramanan et al., NeurIPS 2023; §4.3, "following the settings of
# CutMix": R-50 replaces SSD's VGG-16). mmdet ships only VGG SSDs, so the neck
# mirrors SSD300's VGG layout: res3 (512 ch, stride 8, 38x38) and res4 (1024
# ch, stride 16, 19x19) take the places of conv4_3 and fc7, and the same four
# extra layers give 10, 5, 3, 1; anchors, head and schedule stay mmdet's
# ssd300_voc0712 (24 epochs of the 10x-repeated set, batch 64, lr 1e-3). No
# L2Norm on res3: SSD needs it for VGG's unnormalised conv4_3, ResNet features
# are batch-normalised.
#   bash tools/benchmarks/mmdet_transfer.sh CKPT <this file> 8
_base_ = ['mmdet::pascal_voc/ssd300_voc0712.py',
          './_base_/mixtoolbox_backbone.py']
# mixtoolbox's normalisation and backbone recipe
# (./_base_/mixtoolbox_backbone.py) on a 3-stage ResNet-50
norm_cfg = _base_.mixtoolbox_model.backbone.norm_cfg
model = dict(
    data_preprocessor=_base_.mixtoolbox_model.data_preprocessor,
    backbone=dict(
        _base_.mixtoolbox_model.backbone,
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=3,  # res5 is not used by the neck
        strides=(1, 2, 2),
        dilations=(1, 1, 1),
        out_indices=(1, 2),
        frozen_stages=1),
    neck=dict(
        in_channels=(512, 1024),
        out_channels=(512, 1024, 512, 256, 256, 256),
        level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0),
        l2_norm_scale=None))
