# Linear classification protocol of the SAMix paper (Li et al.,
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, App. A.1.3;
# MoCo's): frozen backbone (all stages, BN statistics fixed), a linear head
# trained 100 epochs by SGD with momentum 0.9, weight decay 0, lr decayed x0.1
# at epochs 60 and 80; batch 32 x 8 = 256. lr: 0.1 for STL-10 / Tiny (here), 30
# for ImageNet (its config). The pretrained backbone is loaded by
# tools/selfsup/linear_eval.py (init_cfg=dict(type='Pretrained',
# checkpoint=CKPT, prefix='backbone.')).
_base_ = ['../../_base_/default_runtime.py']
max_epochs = 100
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                                    weight_decay=0.0))
param_scheduler = dict(type='MultiStepLR', by_epoch=True,
                       milestones=[60, 80], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256)
