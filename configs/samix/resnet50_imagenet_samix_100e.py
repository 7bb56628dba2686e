# SAMix on ImageNet-1k, the 100-epoch protocol of seed 003 (Table 10,
# Fig. 8c): the 300-epoch config with the cosine schedule, the momentum
# schedule and the mask-loss annealing spread over 100 epochs (the hooks
# read the run's length from the Runner).
_base_ = './resnet50_imagenet_samix.py'
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=100, eta_min=0.0)
train_cfg = dict(max_epochs=100)
