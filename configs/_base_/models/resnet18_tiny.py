# PreActResNet-18 for 64×64 Tiny-ImageNet (the Tiny-ImageNet setting of the
# MultiMix paper, arXiv:2206.14868, Table 1): the CIFAR network with 200
# classes, its 4×4-stride layout giving 8×8 maps.
model = dict(
    type='MixupClassifier',
    backbone=dict(type='PreActResNet', depth=18, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=200,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', use_soft=True, loss_weight=1.0),
        topk=(1, 5)),
    mix_policy=[],
)
