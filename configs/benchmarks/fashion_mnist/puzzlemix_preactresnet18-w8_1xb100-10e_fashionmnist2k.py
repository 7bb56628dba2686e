# PuzzleMix: J.-H. Kim, W. Choo, H. O. Song, "Puzzle Mix: Exploiting Saliency
# and Local Statistics for Optimal Mixup", ICML 2020,
# https://arxiv.org/abs/2009.06962, with its official CIFAR settings
# (alpha = 1, 3 mixing levels, beta = 1.2, gamma = 0.5, eta = 0.2, transport
# with t_eps = 0.8) except the sizes 28 px forces: block counts must divide
# 28, and the neighbourhood and transport tiles the 14, 7 and 4 px blocks
# (the official 4 px does not divide 14 or 7), so (2, 4, 7) blocks and 7 px.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(
    type='PuzzleMix', alpha=1.0, block_nums=(2, 4, 7), n_labels=3, beta=1.2,
    gamma=0.5, eta=0.2, neigh_size=7, transport=True, t_eps=0.8, t_size=7)])
