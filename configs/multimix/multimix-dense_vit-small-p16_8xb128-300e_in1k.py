# Dense MultiMix (Sec. 3.4, eqs. (10)-(15) of arXiv:2206.14868, the MultiMix
# paper; Sec. 3.3 of its NeurIPS 2023 version): one Lambda per position of the
# last feature map, GAP attention with l1-ReLU, classifier as a 1x1 conv,
# weighted loss (15); with probability 0.5, input mixup otherwise. Ablations
# (App. A.5), e.g.
#   --cfg-options model.mix_policy.0.attention=cam \
#                 model.mix_policy.0.nonlinearity=softmax
#   --cfg-options model.mix_policy.0.attention=uniform
_base_ = './multimix_vit-small-p16_8xb128-300e_in1k.py'
# Dense MultiMix needs the patch-token map: the ViT-S/16 here pools its patch
# tokens (GAP) instead of reading the class token, and the classifier runs
# densely on the 14x14 map pooled to 7x7 (r = 49, the ImageNet resolution of
# App. A.1).
model = dict(
    backbone=dict(out_type='featmap'),
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(_delete_=True, type='LinearClsHead', num_classes=1000,
              in_channels=384,
              loss=dict(type='CrossEntropyLoss', use_soft=True),
              topk=(1, 5)),
    mix_policy=[
        dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0),
             attention='gap', nonlinearity='l1_relu', resolution=7,
             prob=0.5),
        dict(type='Mixup', alpha=1.0, prob=0.5),
    ])
