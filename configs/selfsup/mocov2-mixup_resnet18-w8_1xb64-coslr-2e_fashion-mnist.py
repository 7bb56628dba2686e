# MoCo v2 + Mixup (alpha = 1, the Fig. 3b setting of the SAMix paper, Li et
# al., arXiv:2111.15454, 2021), cross-view (x_m = h(x_i^q, x_j^k), its eq.
# (4)); Fashion-MNIST CPU demo.
_base_ = ['./_base_/fashionmnist_mocov2_cpu.py']
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)], view='cross')
