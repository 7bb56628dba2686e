# PreActResNet-18 on CIFAR-100: manifold mixup (Verma et al., "Manifold Mixup:
# Better Representations by Interpolating Hidden States", ICML 2019): layer
# drawn from {0 (input), 1, 2} (Verma et al. Sec. 5.1, PreActResNet), alpha = 2
# (SAMix App. A.1.2: "ManifoldMix uses alpha = 2" on CIFAR-100, as Verma et
# al.). Other layers:
#   --cfg-options "model.mix_policy.0.layers=[0,1,2,3]"
# Protocol (in the base): the CIFAR-100 baseline protocol of SAMix (Li et al.,
# arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[
    dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])
