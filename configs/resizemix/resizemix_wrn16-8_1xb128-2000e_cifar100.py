# WRN16-8 on CIFAR-100: ResizeMix, tau ~ U(0.1, 0.8) (the ResizeMix paper).
# Protocol (in the base): App. A.1 of the MultiMix paper (Venkataramanan et
# al., NeurIPS 2023).
_base_ = '../_base_/protocols/wrn16-8_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
