# PreActResNet-18 on CIFAR-100, the protocol of Shen, Yu, Yang, Kwok, "Mixup
# Augmentation with Multiple Interpolations", arXiv:2406.01417, 2024,
# https://arxiv.org/abs/2406.01417, Sec. IV-B1 (after Co-Mixup, Kim et al.,
# ICLR 2021): batch 100, SGD lr 0.2, x0.1 at epochs 100 and 200, 300 epochs;
# momentum and weight decay are not stated there (0.9 and 1e-4 kept from the
# MultiMix protocol this file derives from).
_base_ = './preactresnet18_1xb128-2000e_cifar100.py'
optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = dict(milestones=[100, 200])
train_cfg = dict(max_epochs=300)
train_dataloader = dict(batch_size=100)
auto_scale_lr = dict(base_batch_size=100)
