# SAMix-I (Li et al., arXiv:2111.15454, 2021, App. A.1.3; see
# ./_base_/samix-i.py): ImageNet-1k, ResNet-50, 200 epochs. The SAMix paper
# gives no ImageNet pre-training length; 200 epochs is MoCo v2's.
_base_ = ['./_base_/imagenet_mocov2.py', './_base_/samix-i.py']
model = dict(data_preprocessor={{_base_.data_preprocessor}},
             backbone=dict(depth=50), neck=dict(in_channels=2048),
             queue_len=65536, mixer=dict(in_channels=1024))
max_epochs = 200
param_scheduler = [dict(_base_.param_scheduler[0], T_max=max_epochs,
                        end=max_epochs)]
train_cfg = dict(max_epochs=max_epochs)
