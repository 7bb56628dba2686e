# Dense MultiMix (Sec. 3.4, eqs. (10)-(15) of arXiv:2206.14868, the MultiMix
# paper; Sec. 3.3 of its NeurIPS 2023 version): one Lambda per position of the
# last feature map, GAP attention with l1-ReLU, classifier as a 1x1 conv,
# weighted loss (15); with probability 0.5, input mixup otherwise. Ablations
# (App. A.5), e.g.
#   --cfg-options model.mix_policy.0.attention=cam \
#                 model.mix_policy.0.nonlinearity=softmax
#   --cfg-options model.mix_policy.0.attention=uniform
#   --cfg-options model.mix_policy.0.resolution=2   (2x2; 1 = GAP)
#   --cfg-options model.backbone.last_stride=1   (8x8 on CIFAR, PreActResNet)
_base_ = './multimix_preactresnet18_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), attention='gap',
         nonlinearity='l1_relu', prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
