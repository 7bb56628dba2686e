# Dense MultiMix at an earlier layer: the map after stage 3 (7 x 7, 32
# channels of the width-8 network) is mixed position by position and stage 4
# runs densely on the n mixed maps; the ablation over the interpolation layer
# of S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis, "Embedding Space
# Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples",
# NeurIPS 2023, https://arxiv.org/abs/2311.05538, Fig. 4(a) (Fig. 3(a) of
# arXiv:2206.14868: mixing deeper is better, for the dense variants too).
# How the 7 x 7 targets meet the 4 x 4 loss is our reading (DenseMultiMix
# docstring). Everything else as ./dense-multimix_...py.
_base_ = './dense-multimix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), attention='gap',
         nonlinearity='l1_relu', layer=3, prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5)])
