# PreActResNet-18 on CIFAR-100: Co-Mixup (Kim, Choo, Jeong, Song, "Co-Mixup:
# Saliency Guided Joint Mixup with Supermodular Diversity", ICLR 2021) with
# its official CIFAR-100 settings: Dirichlet alpha = 2 (also SAMix App.
# A.1.2, official implementation with alpha = 2), 4x4 blocks, partitions of
# 20, beta = 0.32, gamma = 1, tau = 0.83, eta = 0.05, omega = 0.001, 4 sweeps,
# clean-input loss weight 1.
# Protocol and alpha: the CIFAR-100 baseline table of Li et al., "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup"
# (SAMix), arXiv:2111.15454, Sec. 4.1 and App. A.1.2: SGD lr 0.1, momentum
# 0.9, wd 1e-4, cosine to 0, 800 epochs, batch 100, 4-px reflect-padded crops
# + flip; the mixup runs every iteration (no probability is stated).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100_samix.py',
    '../_base_/schedules/cifar_sgd_cosine_800e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(num_classes=100),
    mix_policy=[
        dict(type='CoMixup', alpha=2.0, block_num=4, part=20, beta=0.32,
             gamma=1.0, thres=0.83, eta=0.05, omega=0.001, niter=4,
             set_resolve=True, clean_lam=1.0)
    ])
