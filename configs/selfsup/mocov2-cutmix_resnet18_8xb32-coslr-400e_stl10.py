# MoCo v2 + CutMix, cross-view x_m = h(x_i^q, x_j^k) with the mixup infoNCE of
# eq. (4) of the SAMix paper (Li et al., arXiv:2111.15454, 2021) added to
# MoCo's loss (Tables 3-4; alpha = 1 as in Fig. 3b): STL-10, ResNet-18, 400
# epochs.
_base_ = './mocov2_resnet18_8xb32-coslr-400e_stl10.py'
model = dict(mix_policy=[dict(type='CutMix', alpha=1.0)], view='cross')
