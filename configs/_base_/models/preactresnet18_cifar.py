# PreActResNet-18 (CIFAR stem) → GAP → linear, soft-target CE so any mixup can
# be switched on with `model.mix_policy`.
model = dict(
    type='MixupClassifier',
    backbone=dict(type='PreActResNet', depth=18, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', use_soft=True, loss_weight=1.0)),
    mix_policy=[],
)
