# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; ImageNet, R-50): SGD lr 0.1, momentum 0.9,
# wd 1e-4, ×0.1 at 100 and 200 epochs (300 in all), batch 256.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True,
                       milestones=[100, 200], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=300, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256)
