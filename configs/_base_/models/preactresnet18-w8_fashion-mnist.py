# PreActResNet-18 at 1/8 width (base_channels 8, 64 output channels) on
# 1-channel 28×28 Fashion-MNIST, 10 classes: ./preactresnet18_cifar.py scaled
# down for the CPU-sized quick start, smoke and accuracy-benchmark configs.
# Soft-target CE (no loss_weight key); each config sets `model.mix_policy`.
_base_ = './preactresnet18_cifar.py'
model = dict(
    backbone=dict(_delete_=True, type='PreActResNet', depth=18, in_channels=1,
                  base_channels=8),
    head=dict(num_classes=10, in_channels=64,
              loss=dict(_delete_=True, type='CrossEntropyLoss',
                        use_soft=True)))
