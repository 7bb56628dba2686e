# PreActResNet-18 for 64×64 Tiny-ImageNet (the Tiny-ImageNet setting of the
# MultiMix paper, arXiv:2206.14868, Table 1): the CIFAR network
# (./preactresnet18_cifar.py) with 200 classes, its 4×4-stride layout giving
# 8×8 maps.
_base_ = './preactresnet18_cifar.py'
model = dict(head=dict(num_classes=200, topk=(1, 5)))
