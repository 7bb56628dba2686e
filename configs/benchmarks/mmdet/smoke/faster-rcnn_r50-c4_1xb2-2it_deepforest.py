# Smoke run of the SAMix / MoCo VOC protocol config on real data that fits a
# CPU: the two 400x400 deepforest aerial images (98 trees) at 256 px, few RoIs,
# 2 iterations, then the protocol's VOC evaluator (at IoU 0.5 and 0.75 only:
# each threshold forks worker processes) on the same images; every detection is
# kept (score_thr 0) so the evaluator always has predictions to score. It
# checks the wiring (export -> init -> fine-tune -> evaluate), not accuracy.
#   make smoke-data      # fetch + convert once (tests/smoke_data.py)
#   python tools/benchmarks/mmdet_train.py <this file> --backbone B.pth
_base_ = '../faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py'

data_root = 'data/smoke/deepforest/'
metainfo = dict(classes=('Tree', ))
model = dict(
    roi_head=dict(bbox_head=dict(num_classes=1)),
    train_cfg=dict(
        rpn=dict(sampler=dict(num=64)),
        rpn_proposal=dict(nms_pre=256, max_per_img=32),
        rcnn=dict(sampler=dict(num=16))),
    test_cfg=dict(
        rpn=dict(nms_pre=256, max_per_img=32),
        rcnn=dict(score_thr=0.0, max_per_img=50)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
dataset = dict(
    type='CocoDataset',
    data_root=data_root,
    ann_file='trees_400px.json',
    data_prefix=dict(img=''),
    metainfo=metainfo)
train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset, filter_cfg=dict(filter_empty_gt=True),
                 pipeline=train_pipeline))
test_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(iou_thrs=[0.5, 0.75])

# no validation during the run: tools/benchmarks/mmdet_train.py tests the final
# weights once
val_dataloader = val_cfg = val_evaluator = None
train_cfg = dict(max_iters=2)
# the protocol's base lr from the first step: its 100-iteration warm-up would
# leave 2 steps too small to move float32 weights
param_scheduler = []
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=-1, save_last=False))
# a wiring check, not the protocol: train the configured batch as it is (no
# gradient accumulation to the protocol's 16; a warning says so)
batch_policy = 'none'
# precise BN as in the protocol, over 2 batches
custom_hooks = [dict(type='PreciseBNHook', num_iters=2)]
# fixed seed: the same crops, samples and head init on every run
randomness = dict(seed=0)
