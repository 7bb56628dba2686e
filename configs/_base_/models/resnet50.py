# ResNet-50 (mmpretrain's, pytorch style) → GAP → linear, soft-target CE:
# ./preactresnet18_cifar.py with the ImageNet backbone, 1000 classes.
_base_ = './preactresnet18_cifar.py'
model = dict(
    backbone=dict(_delete_=True, type='ResNet', depth=50, num_stages=4,
                  out_indices=(3, ), style='pytorch'),
    head=dict(num_classes=1000, in_channels=2048, topk=(1, 5)))
