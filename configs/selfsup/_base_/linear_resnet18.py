# The network of the linear evaluation (the SAMix paper's, Li et al.,
# arXiv:2111.15454, 2021, App. A.1.3; MoCo's): the pretrained ResNet frozen
# (all stages, BN statistics fixed), global average pooling, one linear
# layer. ResNet-18 for 1000 classes; configs set the class count, ResNet-50
# configs the depth and the head's in_channels (2048).
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=18, frozen_stages=4, norm_eval=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=512,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
