# Dense MultiMix:
# S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis, "Embedding Space
# Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples",
# NeurIPS 2023, https://arxiv.org/abs/2311.05538, App. A.1 defaults:
# n = 1000 tuples, alpha ~ U[0.5, 2] per tuple, with probability 0.5
# (input mixup, alpha = 1, otherwise); attention from
# GAP with ReLU + l1 normalisation.
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), attention='gap',
         nonlinearity='l1_relu', prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5)])
