"""The tiny classifier config the model and registry tests build."""


def tiny_classifier(num_classes: int = 3, width: int = 4, **kwargs) -> dict:
    """A MixupClassifier on a PreActResNet-18 of base width ``width`` (8 x
    ``width`` output channels) with a soft-target linear head and Mixup;
    ``kwargs`` replace top-level entries."""
    cfg = dict(
        type='MixupClassifier',
        backbone=dict(type='PreActResNet', depth=18, base_channels=width),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=num_classes,
                  in_channels=8 * width,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        mix_policy=[dict(type='Mixup', alpha=1.0)])
    cfg.update(kwargs)
    return cfg
