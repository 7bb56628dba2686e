# MoCo v2 optimisation (SAMix paper, Li et al., arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454, App. A.1.3): SGD lr 0.03 for batch 256,
# momentum 0.9, weight decay 1e-4, cosine schedule; `max_epochs` is set by each
# config (400 / 800 for STL-10 / Tiny).
_base_ = ['../../_base_/default_runtime.py']
max_epochs = 400
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.03, momentum=0.9,
                                    weight_decay=1e-4))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3,
                                     save_best=None))
auto_scale_lr = dict(base_batch_size=256)
