# AutoMix without the published recipe's CE on the clean batch (see
# configs/samix/samix-noclean_preactresnet18_1xb100-800e_cifar100.py).
_base_ = './automix_preactresnet18_1xb100-800e_cifar100.py'
model = dict(clean_loss_weight=0.0)
