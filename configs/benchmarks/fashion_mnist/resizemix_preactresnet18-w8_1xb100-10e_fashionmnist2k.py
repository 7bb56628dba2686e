# ResizeMix: J. Qin, J. Fang, Q. Zhang, W. Liu, X. Wang, X. Wang, "ResizeMix:
# Mixing Data with Preserved Object Information and True Labels",
# https://arxiv.org/abs/2012.11101, 2020; patch scale tau ~ U(0.1, 0.8), the
# paper's range.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
