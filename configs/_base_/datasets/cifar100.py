# CIFAR-100, batch 128, RandomCrop(32, pad 4) + flip (the MultiMix paper,
# NeurIPS 2023, App. A.1; also the batch of multi-mix, arXiv:2406.01417, and
# R-Mix, arXiv:2212.04875, before their own overrides). `data_root` holds the
# standard `cifar-100-python` folder (as read by mmpretrain's CIFAR100);
# nothing is downloaded.
dataset_type = 'CIFAR100'
data_root = 'data/cifar100'
data_preprocessor = dict(
    num_classes=100,
    mean=[129.304, 124.070, 112.434],
    std=[68.170, 65.392, 70.418],
    to_rgb=False)

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 download=False, pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
# testing: the same loader on the test split, test pipeline, in order
val_dataloader = dict(
    train_dataloader,
    dataset=dict(train_dataloader['dataset'], split='test',
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
