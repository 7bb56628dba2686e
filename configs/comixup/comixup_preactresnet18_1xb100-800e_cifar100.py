# PreActResNet-18 on CIFAR-100: Co-Mixup (Kim, Choo, Jeong, Song, "Co-Mixup:
# Saliency Guided Joint Mixup with Supermodular Diversity", ICLR 2021) with its
# official CIFAR-100 settings: Dirichlet alpha = 2 (also SAMix App. A.1.2,
# official implementation with alpha = 2), 4x4 blocks, partitions of 20, beta =
# 0.32, gamma = 1, tau = 0.83, eta = 0.05, omega = 0.001, 4 sweeps, clean-input
# loss weight 1. Protocol (in the base): the CIFAR-100 baseline protocol of
# SAMix (Li et al., arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[
    dict(type='CoMixup', alpha=2.0, block_num=4, part=20, beta=0.32,
         gamma=1.0, thres=0.83, eta=0.05, omega=0.001, niter=4,
         set_resolve=True, clean_lam=1.0)
])
