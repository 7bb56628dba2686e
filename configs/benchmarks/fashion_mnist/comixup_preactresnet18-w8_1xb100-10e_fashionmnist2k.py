# Co-Mixup: J.-H. Kim, W. Choo, H. Jeong, H. O. Song, "Co-Mixup: Saliency
# Guided Joint Mixup with Supermodular Diversity", ICLR 2021,
# https://arxiv.org/abs/2102.03065, with its official CIFAR-100 settings:
# Dirichlet alpha = 2, 4 x 4 blocks, partitions of 20, beta = 0.32,
# gamma = 1, tau = 0.83, eta = 0.05, omega = 0.001, 4 sweeps, clean-input
# loss weight 1.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(
    type='CoMixup', alpha=2.0, block_num=4, part=20, beta=0.32, gamma=1.0,
    thres=0.83, eta=0.05, omega=0.001, niter=4, set_resolve=True,
    clean_lam=1.0)])
