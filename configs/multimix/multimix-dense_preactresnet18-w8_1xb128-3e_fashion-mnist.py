# Dense MultiMix (p = 0.5) / input mixup on Fashion-MNIST, sized to finish in
# minutes on a CPU: the MultiMix CPU config with the Dense MultiMix defaults of
# the MultiMix paper (arXiv:2206.14868, App. A.1: GAP attention, l1-ReLU).
_base_ = './multimix_preactresnet18-w8_1xb128-3e_fashion-mnist.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
