# SAMix on ImageNet-1k, the 100-epoch protocol of the SAMix paper (Li et al.,
# arXiv:2111.15454, 2021, Table 10, Fig. 8c): the 300-epoch config with the
# cosine schedule, the momentum schedule and the mask-loss annealing spread
# over 100 epochs (the hooks read the run's length from the Runner).
_base_ = './samix_resnet50_8xb32-300e_in1k.py'
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=100, eta_min=0.0)
train_cfg = dict(max_epochs=100)
