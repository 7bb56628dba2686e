# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; ImageNet, R-50): SGD lr 0.1, momentum 0.9,
# wd 1e-4, ×0.1 at 100 and 200 epochs (300 in all), batch 256.

# The step schedule of ./cifar_sgd_2000e.py at ImageNet length, validated
# every epoch.
_base_ = './cifar_sgd_2000e.py'
param_scheduler = dict(milestones=[100, 200])
train_cfg = dict(max_epochs=300, val_interval=1)
auto_scale_lr = dict(base_batch_size=256)
