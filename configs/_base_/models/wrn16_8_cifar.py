# WRN16-8 (the MultiMix paper, arXiv:2206.14868, Table 1) → GAP → linear,
# soft-target CE.
model = dict(
    type='MixupClassifier',
    backbone=dict(type='WideResNet', depth=16, widen_factor=8,
                  out_indices=(2, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', use_soft=True, loss_weight=1.0)),
    mix_policy=[],
)
