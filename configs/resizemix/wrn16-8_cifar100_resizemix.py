# WRN16-8 on CIFAR-100: ResizeMix, τ ~ U(0.1, 0.8) (the ResizeMix paper).
_base_ = [
    '../_base_/models/wrn16_8_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
