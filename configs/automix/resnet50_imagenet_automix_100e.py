# AutoMix on ImageNet-1k, 100-epoch protocol (seed 003 Table 10); see
# ../samix/resnet50_imagenet_samix_100e.py.
_base_ = './resnet50_imagenet_automix.py'
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=100, eta_min=0.0)
train_cfg = dict(max_epochs=100)
