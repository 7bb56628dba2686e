# SAMix as seed 003 writes it (App. A.1.2, eq. 10): the online network
# minimises the mixup classification loss only, without the extra CE on the
# clean batch that the published recipe adds (`clean_loss_weight=1.0` in
# preactresnet18_cifar100_samix.py). The clean pass is a full extra
# forward/backward of the online network; docs/methods/samix.md measures both.
_base_ = './preactresnet18_cifar100_samix.py'
model = dict(clean_loss_weight=0.0)
