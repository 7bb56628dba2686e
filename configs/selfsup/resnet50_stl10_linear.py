# Linear evaluation on STL-10 (seed 003 Table 3): frozen ResNet-50, 96 px.
_base_ = ['./resnet18_stl10_linear.py']
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
