# SAMix (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) fine-tuning an ImageNet-pretrained
# ResNet-18 on FGVC-Aircraft (Table 5: 82.15 top-1 in the paper); protocol as
# in ./samix_resnet18_1xb16-200e_cub.py (Sec. 4.1 / App. A.1.2: lr 0.001, wd
# 5e-4, batch 16, 200 epochs cosine; eta = 0.5). Give the local pretrained
# weights with
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnet18.pth
_base_ = [
    '../_base_/models/resnet18_samix_finetune.py',
    '../_base_/datasets/fgvc_aircraft.py',
    '../_base_/schedules/finegrained_sgd_cosine_200e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100))

custom_hooks = [
    *_base_.samix_hooks,
    # 417 iterations per epoch at batch 16: a grid every 20 epochs
    dict(type='MixedGalleryHook', interval=8340),
]
