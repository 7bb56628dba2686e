# Cosine variant for CIFAR, the protocol of Li, Liu, Wu, Liu, Li, "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup"
# (SAMix), arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, App.
# A.1.2: SGD lr 0.1, momentum 0.9, wd 1e-4, cosine to 0 over 800 epochs.

# The optimiser of ./cifar_sgd_2000e.py with a cosine schedule.
_base_ = './cifar_sgd_2000e.py'
param_scheduler = dict(_delete_=True, type='CosineAnnealingLR', by_epoch=True,
                       T_max=800, eta_min=0.0)
train_cfg = dict(max_epochs=800)
auto_scale_lr = dict(base_batch_size=100)
