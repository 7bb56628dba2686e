# MultiMix with n = m, as many interpolated examples as the mini-batch of
# protocol v2 (batch 50, docs/claims.md): the low end of the ablation over n
# of S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis, "Embedding Space
# Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples",
# NeurIPS 2023, https://arxiv.org/abs/2311.05538, Fig. 4(b) (accuracy grows
# with n and saturates at n = 1000, the default). Everything else as
# ./multimix_...py.
_base_ = './multimix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[
    dict(type='MultiMix', n=50, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5)])
