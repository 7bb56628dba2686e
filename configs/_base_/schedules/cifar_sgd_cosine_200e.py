# A shorter cosine CIFAR schedule (200 epochs) for quicker comparisons.
_base_ = './cifar_sgd_cosine_800e.py'
param_scheduler = dict(T_max=200)
train_cfg = dict(max_epochs=200)
