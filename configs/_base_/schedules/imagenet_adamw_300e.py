# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; ImageNet, ViT-S/16): AdamW with default
# parameters, lr 0.01, ×0.1 at 100 and 200 epochs, batch 256.
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.01))
param_scheduler = dict(type='MultiStepLR', by_epoch=True,
                       milestones=[100, 200], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=300, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256)
