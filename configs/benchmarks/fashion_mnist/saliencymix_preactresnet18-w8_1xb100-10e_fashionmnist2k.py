# SaliencyMix: A. F. M. S. Uddin, M. S. Monira, W. Shin, T. Chung, S.-H. Bae,
# "SaliencyMix: A Saliency Guided Data Augmentation Strategy for Better
# Regularization", ICLR 2021, https://arxiv.org/abs/2006.01791. alpha = 1
# and a probability of 0.5 (plain iterations otherwise): the authors' CIFAR
# command (https://github.com/afm-shahab-uddin/SaliencyMix: --beta 1.0
# --salmix_prob 0.5), which follows CutMix's.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='SaliencyMix', alpha=1.0, prob=0.5)])
