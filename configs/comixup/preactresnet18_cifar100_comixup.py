# PreActResNet-18 on CIFAR-100: Co-Mixup with the official CIFAR-100 settings
# (Dirichlet α = 2, 4×4 blocks, partitions of 20, β = 0.32, γ = 1, τ = 0.83,
# η = 0.05, ω = 0.001, 4 sweeps, clean-input loss weight 1).
# Protocol of seed 001 App. A.1: SGD lr 0.1, ×0.1 every 500 of 2000 epochs.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[
        dict(type='CoMixup', alpha=2.0, block_num=4, part=20, beta=0.32,
             gamma=1.0, thres=0.83, eta=0.05, omega=0.001, niter=4,
             set_resolve=True, clean_lam=1.0)
    ])
