# FMix: E. Harris, A. Marcu, M. Painter, M. Niranjan, A. Prugel-Bennett,
# J. Hare, "FMix: Enhancing Mixed Sample Data Augmentation",
# https://arxiv.org/abs/2002.12047, 2020 (it reports Fashion-MNIST too).
# alpha = 1, decay power 3: the defaults of the authors' implementation
# (https://github.com/ecs-vlc/FMix, FMix(decay_power=3, alpha=1)).
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mix_policy=[dict(type='FMix', alpha=1.0, decay_power=3.0)])
