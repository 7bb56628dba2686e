# PreActResNet-18 on CIFAR-100: ResizeMix (Qin et al., "ResizeMix: Mixing
# Data with Preserved Object Information and True Labels", arXiv:2012.11101),
# scale tau ~ U(0.1, 0.8) (ResizeMix paper); SAMix App. A.1.2's "alpha = 1"
# for ResizeMix is this uniform draw (Beta(1, 1) over the scale range).
# Protocol and alpha: the CIFAR-100 baseline table of Li et al., "Boosting
# Discriminative Visual Representation Learning with Scenario-Agnostic Mixup"
# (SAMix), arXiv:2111.15454, Sec. 4.1 and App. A.1.2: SGD lr 0.1, momentum
# 0.9, wd 1e-4, cosine to 0, 800 epochs, batch 100, 4-px reflect-padded crops
# + flip; the mixup runs every iteration (no probability is stated).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100_samix.py',
    '../_base_/schedules/cifar_sgd_cosine_800e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100),
             mix_policy=[dict(type='ResizeMix', scope=(0.1, 0.8))])
