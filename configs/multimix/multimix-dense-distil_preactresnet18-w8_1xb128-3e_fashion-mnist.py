# Dense MultiMix + self-distillation on Fashion-MNIST (CPU): the
# self-distillation config (teacher EMA weight 0.01 per step) with the Dense
# MultiMix policy of
# ./multimix-dense_preactresnet18-w8_1xb128-3e_fashion-mnist.py.
_base_ = './multimix-distil_preactresnet18-w8_1xb128-3e_fashion-mnist.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
