# Mixup: H. Zhang, M. Cisse, Y. N. Dauphin, D. Lopez-Paz, "mixup: Beyond
# Empirical Risk Minimization", ICLR 2018, https://arxiv.org/abs/1710.09412;
# alpha = 1, the paper's CIFAR-10 setting.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)])
