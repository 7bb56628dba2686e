# Smoke run of the SAMix / MoCo COCO Mask R-CNN protocol config on real data
# that fits a CPU: stardist's 512x512 fluorescence image (125 nuclei, RLE
# masks), trained on 256 px crops at native scale (nuclei of 15-25 px still
# match the smallest, 32 px, C4 anchors), tested resized to 256 px; few RoIs, 2
# iterations, then COCO box and mask AP on the same image. Every detection is
# kept (score_thr 0) so the evaluator always has predictions to score. It
# checks the wiring (export -> init -> fine-tune -> evaluate), not accuracy.
#   make smoke-data      # fetch + convert once (tests/smoke_data.py)
#   python tools/benchmarks/mmdet_train.py <this file> --backbone B.pth
_base_ = '../mask-rcnn_r50-c4_8xb2-ms-24e_coco.py'

data_root = 'data/smoke/stardist/'
metainfo = dict(classes=('nucleus', ))
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    train_cfg=dict(
        rpn=dict(sampler=dict(num=64)),
        rpn_proposal=dict(nms_pre=256, max_per_img=32),
        rcnn=dict(sampler=dict(num=16))),
    test_cfg=dict(
        rpn=dict(nms_pre=256, max_per_img=32),
        rcnn=dict(score_thr=0.0, max_per_img=50)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomCrop', crop_size=(256, 256)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
dataset = dict(
    type='CocoDataset',
    data_root=data_root,
    ann_file='nuclei.json',
    data_prefix=dict(img=''),
    metainfo=metainfo)
train_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset, filter_cfg=dict(filter_empty_gt=True),
                 pipeline=train_pipeline))
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(
    _delete_=True,
    type='CocoMetric',
    ann_file=data_root + 'nuclei.json',
    metric=['bbox', 'segm'])

# no validation during the run: tools/benchmarks/mmdet_train.py tests the final
# weights once
val_dataloader = val_cfg = val_evaluator = None
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=2)
# the protocol's base lr from the first step: its 1,000-iteration warm-up would
# leave 2 steps too small to move float32 weights
param_scheduler = []
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(by_epoch=False, interval=-1, save_last=False))
log_processor = dict(by_epoch=False)
# a wiring check, not the protocol: train the configured batch as it is (no
# gradient accumulation to the protocol's 16; a warning says so)
batch_policy = 'none'
# precise BN as in the protocol, over 2 batches
custom_hooks = [dict(type='PreciseBNHook', num_iters=2)]
# fixed seed: the same crops, samples and head init on every run
randomness = dict(seed=0)
