# SAMix (Li et al., arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454)
# fine-tuning an ImageNet-pretrained ResNeXt-50 (32x4d) on CUB-200 (Table 5:
# 86.83 top-1 in the paper); protocol as in ./samix_resnet18_1xb16-200e_cub.py.
# Local pretrained weights (a torchvision resnext50_32x4d state dict loads
# unchanged into mmpretrain's ResNeXt):
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnext50.pth
_base_ = ['./samix_resnet18_1xb16-200e_cub.py',
          './_base_/resnext50-32x4d_finetune.py']
model = _base_.resnext50_finetune
