# MultiMix (Sec. 3.2, eqs. (6)-(8)): n = 1000 interpolations of the whole
# mini-batch at the embedding, alpha ~ U[0.5, 2] per vector, with probability
# 0.5 per iteration, input mixup (alpha = 1) otherwise (App. A.1). Paper:
# Venkataramanan, Kijak, Amsaleg, Avrithis, "Teach me how to Interpolate a
# Myriad of Embeddings", arXiv:2206.14868, 2022,
# https://arxiv.org/abs/2206.14868 (the version with self-distillation; the
# published version, "Embedding Space Interpolation Beyond Mini-Batch, Beyond
# Pairs and Beyond Examples", NeurIPS 2023, arXiv:2311.05538, numbers sections
# and equations differently; the numbers here are arXiv:2206.14868's).
# Ablations (Sec. 4.4) from the command line, e.g.
#   --cfg-options model.mix_policy.0.n=100 model.mix_policy.0.alpha=1.0
#   --cfg-options model.mix_policy.0.layer=3   (mix after stage 3; 0: input)
# Protocol (in the base): App. A.1 of the MultiMix paper (AlignMixup's).
_base_ = '../_base_/protocols/wrn16-8_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[
    dict(type='MultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
