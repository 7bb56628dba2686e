# SAMix-I (Li et al., arXiv:2111.15454, 2021, App. A.1.3; see
# ./_base_/samix-i.py): STL-10, ResNet-50, 800 epochs.
_base_ = './samix-i_resnet18_8xb32-coslr-400e_stl10.py'
model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048),
             mixer=dict(in_channels=1024))
max_epochs = 800
param_scheduler = [dict(_base_.param_scheduler[0], T_max=max_epochs,
                        end=max_epochs)]
train_cfg = dict(max_epochs=max_epochs)
