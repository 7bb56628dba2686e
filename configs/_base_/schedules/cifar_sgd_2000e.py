# App. A.1 of the MultiMix paper (Venkataramanan, Kijak, Amsaleg, Avrithis,
# "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond
# Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538; AlignMixup's
# protocol): SGD lr 0.1, momentum 0.9, wd 1e-4, 2000 epochs, ×0.1 every 500
# epochs; batch 128 (from the dataset).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True,
                       milestones=[500, 1000, 1500], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=2000, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
