# MoCo v2 + Mixup, cross-view x_m = h(x_i^q, x_j^k) with the mixup infoNCE of
# eq. (4) of the SAMix paper (Li et al., arXiv:2111.15454, 2021) added to
# MoCo's loss (Tables 3-4; alpha = 1 as in Fig. 3b): Tiny-ImageNet, ResNet-18,
# 400 epochs.
_base_ = './mocov2_resnet18_8xb32-coslr-400e_tiny-imagenet.py'
model = dict(mix_policy=[dict(type='Mixup', alpha=1.0)], view='cross')
