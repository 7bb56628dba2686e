# PreActResNet-18 on CIFAR-100: multi-mix around manifold mixup (Shen, Yu,
# Yang, Kwok, "Mixup Augmentation with Multiple Interpolations",
# arXiv:2406.01417, 2024, SIII-A1 and the K ablation of SIV-I): one layer s
# drawn per step, K = 5 sorted lambda_k from one Beta, one forward to s.
# Manifold mixup's own CIFAR settings (Verma et al., "Manifold Mixup", ICML
# 2019, S5.1): alpha = 2, layers {0 (input), 1, 2} for PreActResNet-18.
# Protocol of Shen et al. SIV-B1: SGD lr 0.2, x0.1 at epochs 100 and 200,
# 300 epochs, batch 100 (weight decay not stated; the base 1e-4).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100),
             mix_policy=[dict(type='MultiInterp', k=5,
                              mixup=dict(type='ManifoldMix', alpha=2.0,
                                         layers=(0, 1, 2)))])
optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = dict(milestones=[100, 200])
train_cfg = dict(max_epochs=300)
train_dataloader = dict(batch_size=100)
auto_scale_lr = dict(base_batch_size=100)
