# SAMix as the paper writes it (Li et al., "Boosting Discriminative Visual
# Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454,
# 2021, https://arxiv.org/abs/2111.15454, App. A.1.2, eq. (10)): the online
# network minimises the mixup classification loss only, without the extra CE on
# the clean batch that the published recipe adds (`clean_loss_weight=1.0` in
# samix_preactresnet18_1xb100-800e_cifar100.py). The clean pass is a full extra
# forward/backward of the online network; docs/methods/samix.md measures both.
_base_ = './samix_preactresnet18_1xb100-800e_cifar100.py'
model = dict(clean_loss_weight=0.0)
