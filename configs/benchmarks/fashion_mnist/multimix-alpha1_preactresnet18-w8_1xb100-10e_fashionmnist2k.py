# MultiMix with a fixed Dirichlet alpha = 1 for every interpolation vector
# instead of alpha ~ U[0.5, 2] per vector: the ablation of S. Venkataramanan,
# E. Kijak, L. Amsaleg, Y. Avrithis, "Embedding Space Interpolation Beyond
# Mini-Batch, Beyond Pairs and Beyond Examples", NeurIPS 2023,
# https://arxiv.org/abs/2311.05538, Fig. 4(c) and Sec. 4.4. Everything else
# as ./multimix_...py.
_base_ = './multimix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[
    dict(type='MultiMix', n=1000, alpha=1.0, prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5)])
