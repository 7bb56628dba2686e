# Linear evaluation on Tiny-ImageNet (seed 003 Table 4): frozen ResNet-50.
_base_ = ['./resnet18_tiny_linear.py']
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
