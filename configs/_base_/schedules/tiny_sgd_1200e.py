# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; PuzzleMix's protocol): SGD lr 0.1, momentum
# 0.9, wd 1e-4, 1200 epochs, ×0.1 after 600 and 900.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True,
                       milestones=[600, 900], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=1200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
