# PreActResNet-18 on CIFAR-100, the CIFAR-100 protocol of Li, Liu, Wu, Liu, Li,
# "Boosting Discriminative Visual Representation Learning with
# Scenario-Agnostic Mixup" (SAMix), arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454, Sec. 4.1 and App. A.1.2, under which its
# baseline table reproduces every method: SGD lr 0.1, momentum 0.9, wd 1e-4,
# cosine to 0 over 800 epochs, batch 100, RandomCrop 32 with 4-px reflect
# padding + flip; a mixup runs every iteration (no probability is stated). (The
# paper's table uses a CIFAR ResNet-18; PreActResNet-18 here.)
_base_ = [
    '../models/preactresnet18_cifar.py',
    '../datasets/cifar100_samix.py',
    '../schedules/cifar_sgd_cosine_800e.py',
    '../default_runtime.py',
]
