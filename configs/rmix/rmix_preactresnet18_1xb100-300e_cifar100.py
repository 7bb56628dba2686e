# PreActResNet-18 on CIFAR-100: R-Mix (Luu, Huang, Xing, Lee, Wang,
# "Expeditious Saliency-guided Mix-up through Random Gradient Thresholding",
# arXiv:2212.04875): patches of 8 or 16 px, per-image quantile from linspace(0,
# 0.99, 10), (w1, w2) ~ Dirichlet(1, 1), every iteration. Protocol of its
# CIFAR-100 implementation details (supplementary, "CIFAR-100"): 300 epochs,
# batch 100, SGD with Nesterov momentum 0.9, weight decay 1e-4, OneCycleLR with
# max lr 0.3, div factor 100, final div factor 10000 (stepped per iteration),
# RandomCrop 32 with 2-px padding + horizontal flip.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[dict(type='RMix', patch_sizes=(8, 16), alpha=1.0)])
train_dataloader = dict(
    batch_size=100,
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=2),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs'),
    ]))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.3, momentum=0.9,
                                    nesterov=True, weight_decay=1e-4))
param_scheduler = dict(type='OneCycleLR', eta_max=0.3, total_steps=300,
                       div_factor=100, final_div_factor=1e4, by_epoch=True,
                       convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=300, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=100)
