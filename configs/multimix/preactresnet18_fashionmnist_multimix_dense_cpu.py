# Dense MultiMix (p = 0.5) / input mixup on Fashion-MNIST, sized to finish in minutes on a CPU:
# the MultiMix CPU config with the paper's Dense MultiMix defaults (GAP attention, l1-ReLU).
_base_ = './preactresnet18_fashionmnist_multimix_cpu.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
