# CutMix: S. Yun, D. Han, S. J. Oh, S. Chun, J. Choe, Y. Yoo, "CutMix:
# Regularization Strategy to Train Strong Classifiers with Localizable
# Features", ICCV 2019, https://arxiv.org/abs/1905.04899. alpha = 1 and a
# CutMix probability of 0.5 (plain iterations otherwise): the authors'
# CIFAR-100 command (https://github.com/clovaai/CutMix-PyTorch, README
# "Train Examples": --beta 1.0 --cutmix_prob 0.5; ImageNet uses 1.0).
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='CutMix', alpha=1.0, prob=0.5)])
