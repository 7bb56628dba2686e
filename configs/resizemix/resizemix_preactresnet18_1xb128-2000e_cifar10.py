# PreActResNet-18 on CIFAR-10: ResizeMix, tau ~ U(0.1, 0.8) (the ResizeMix
# paper). Protocol (in the base): App. A.1 of the MultiMix paper
# (Venkataramanan et al., NeurIPS 2023).
_base_ = '../_base_/protocols/preactresnet18_1xb128-2000e_cifar10.py'
model = dict(mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
