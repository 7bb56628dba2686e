# PreActResNet-18 on CIFAR-100: ResizeMix (Qin et al., "ResizeMix: Mixing Data
# with Preserved Object Information and True Labels", arXiv:2012.11101), scale
# tau ~ U(0.1, 0.8) (ResizeMix paper); SAMix App. A.1.2's "alpha = 1" for
# ResizeMix is this uniform draw (Beta(1, 1) over the scale range). Protocol
# (in the base): the CIFAR-100 baseline protocol of SAMix (Li et al.,
# arXiv:2111.15454, Sec. 4.1, App. A.1.2).
_base_ = '../_base_/protocols/preactresnet18_1xb100-800e_cifar100.py'
model = dict(mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
