# ImageNet-1k, ResNet-50, 200 epochs.
# SAMix-I (seed 003 App. A.1.3): the Mixer on the layer-3 maps of the
# key encoder, trained with the eta-balanced infoNCE (eta = 0.5) through the
# frozen key encoder; alpha = 2, mask loss 0.1 decaying linearly to 0.
# Seed 003 gives no ImageNet pre-training length; 200 epochs is MoCo v2's.
_base_ = [
    './_base_/imagenet_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=50),
    neck=dict(in_channels=2048),
    queue_len=65536,
    type='SAMixMoCo',
    mix_policy=None,
    mixer=dict(type='SAMixMixer', in_channels=1024),
    alpha=2.0,
    mask_layer=3,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
    target='instance',
)
max_epochs = 200
param_scheduler = [dict(type='CosineAnnealingLR', T_max=max_epochs,
                        by_epoch=True, begin=0, end=max_epochs,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=max_epochs)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
]
