# AutoMix without the published recipe's CE on the clean batch (see
# configs/samix/preactresnet18_cifar100_samix_noclean.py).
_base_ = './preactresnet18_cifar100_automix.py'
model = dict(clean_loss_weight=0.0)
