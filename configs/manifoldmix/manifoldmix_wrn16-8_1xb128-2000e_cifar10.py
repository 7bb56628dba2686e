# Manifold mixup (Verma et al., "Manifold Mixup: Better Representations by
# Interpolating Hidden States", ICML 2019): mix the hidden states after a stage
# drawn from {0 (input), 1, 2}, alpha = 2 (Verma et al. Sec. 5.1); a baseline
# of the MultiMix paper's Tables 1-3 (arXiv:2206.14868). Other layers:
#   --cfg-options "model.mix_policy.0.layers=[0,1,2,3]"
# Protocol: the MultiMix paper's App. A.1 (AlignMixup's), in the base.
_base_ = '../_base_/protocols/wrn16-8_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[
    dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])
