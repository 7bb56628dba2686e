# What every mmdet transfer config of mixtoolbox shares, beside mmdet's own
# base (mmengine refuses two bases that both define `model`, so the parts are
# top-level helper keys that each config places into its `model`; they stay in
# the loaded config as `mixtoolbox_model`, unused by mmdet).
# Set by tools/benchmarks/mmdet_train.py --backbone (mmdet_transfer.sh), which
# rewrites the checkpoint of every Pretrained part of `model`.
pretrained = 'work_dirs/transfer/backbone.pth'
mixtoolbox_model = dict(
    # the normalisation mixtoolbox pretrains with
    # (configs/_base_/datasets/imagenet.py): RGB, ImageNet mean / std
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    # the self-supervised recipe: every stage trains (frozen_stages=-1, the
    # stem included; detectron2's FREEZE_AT 0), BN statistics update, SyncBN
    # across GPUs (mmengine's Runner reverts it to BN in single-process runs,
    # no launcher, so one config serves both)
    backbone=dict(
        style='pytorch',
        frozen_stages=-1,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        norm_eval=False,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
