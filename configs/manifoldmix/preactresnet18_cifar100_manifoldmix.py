# Manifold mixup (Verma et al., ICML 2019): mix hidden states after a stage
# drawn from {0 (input), 1, 2}, alpha = 2 (Verma et al. §5.1); the baseline of
# seed 001 Tables 1-3 and 9. Other layers: --cfg-options "model.mix_policy.0.layers=[0,1,2,3]"
# Protocol of seed 001 App. A.1 (AlignMixup's): SGD lr 0.1, x0.1 every 500 of 2000 epochs, m = 128.
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100), mix_policy=[
    dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])
