# R-Mix: M.-L. Luu, Z. Huang, E. P. Xing, Y. J. Lee, H. Wang, "Expeditious
# Saliency-guided Mix-up through Random Gradient Thresholding",
# https://arxiv.org/abs/2212.04875, 2022: patches of 8 or 16 px at 32 px
# (R-Mix scales them to 7 and 14 px here), (w1, w2) ~ Dirichlet(1, 1).
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='RMix', patch_sizes=(8, 16), alpha=1.0)])
