# Manifold Mixup: V. Verma, A. Lamb, C. Beckham, A. Najafi, I. Mitliagkas,
# D. Lopez-Paz, Y. Bengio, "Manifold Mixup: Better Representations by
# Interpolating Hidden States", ICML 2019, https://arxiv.org/abs/1806.05236;
# layer drawn from {0 (input), 1, 2} and alpha = 2 (its PreActResNet setting,
# Sec. 5.1).
_base_ = './vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(
    mix_policy=[dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])
