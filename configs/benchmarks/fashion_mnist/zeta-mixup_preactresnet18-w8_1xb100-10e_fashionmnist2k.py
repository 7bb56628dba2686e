# zeta-Mixup: K. Abhishek, C. J. Brown, G. Hamarneh, "Multi-Sample zeta-mixup:
# Richer, More Realistic Synthetic Samples from a p-Series Interpolant",
# Journal of Big Data 11:43, 2024, https://arxiv.org/abs/2204.03323;
# gamma = 2.8, the paper's setting.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='ZetaMixup', gamma=2.8)])
