# Linear evaluation on STL-10 (the SAMix paper, Li et al., arXiv:2111.15454,
# 2021, Table 3): frozen ResNet-50, 96 px.
_base_ = ['./resnet18_8xb32-linear-steplr-100e_stl10.py']
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
