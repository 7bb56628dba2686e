# Manifold mixup (Verma et al., ICML 2019): mix hidden states after a stage
# drawn from {0 (input), 1, 2}, alpha = 2 (Verma et al. §5.1); the baseline of
# seed 001 Tables 1-3 and 9. Other layers: --cfg-options "model.mix_policy.0.layers=[0,1,2,3]"
# Protocol of seed 001 App. A.1 (PuzzleMix's): SGD lr 0.1, 1200 epochs, x0.1 after 600 and 900.
_base_ = [
    '../_base_/models/resnet18_tiny.py',
    '../_base_/datasets/tiny_imagenet.py',
    '../_base_/schedules/tiny_sgd_1200e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[
    dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2))])
