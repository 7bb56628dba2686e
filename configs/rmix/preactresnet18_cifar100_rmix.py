# PreActResNet-18 on CIFAR-100: R-Mix (seed 004): patches of 8 or 16 px,
# per-image quantile from linspace(0, 0.99, 10), (w1, w2) ~ Dirichlet(1, 1).
# Protocol of seed 001 App. A.1 (for comparison with the other methods here);
# seed 004 itself trains 300 epochs, batch 100, OneCycle max lr 0.3.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[dict(type='RMix', patch_sizes=(8, 16), alpha=1.0)])
