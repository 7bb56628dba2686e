# PreActResNet-18 on CIFAR-100: multi-mix (Shen, Yu, Yang, Kwok, "Mixup
# Augmentation with Multiple Interpolations", arXiv:2406.01417) around Mixup, α = 1,
# K = 5 ordered interpolations per pair (§IV-I). Ablation over K (Fig. 6):
#   --cfg-options model.mix_policy.0.k=3
# Protocol of Shen et al. §IV-B1 (after Co-Mixup, Kim et al., ICLR 2021): SGD lr 0.2, ×0.1 at epochs 100 and 200,
# 300 epochs, batch 100 (weight decay is not stated there; the base 1e-4).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100),
             mix_policy=[dict(type='MultiInterp',
                              mixup=dict(type='Mixup', alpha=1.0), k=5)])
optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = dict(milestones=[100, 200])
train_cfg = dict(max_epochs=300)
train_dataloader = dict(batch_size=100)
auto_scale_lr = dict(base_batch_size=100)
