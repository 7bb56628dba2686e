# AutoMix on ImageNet-1k, 100-epoch protocol (the SAMix paper, Li et al.,
# arXiv:2111.15454, 2021, Table 10); see
# ../samix/samix_resnet50_8xb32-100e_in1k.py.
_base_ = './automix_resnet50_8xb32-300e_in1k.py'
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=100, eta_min=0.0)
train_cfg = dict(max_epochs=100)
