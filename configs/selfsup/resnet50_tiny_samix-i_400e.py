# Tiny-ImageNet, ResNet-50, 400 epochs.
# SAMix-I (seed 003 App. A.1.3): the Mixer on the layer-3 maps of the
# key encoder, trained with the eta-balanced infoNCE (eta = 0.5) through the
# frozen key encoder; alpha = 2, mask loss 0.1 decaying linearly to 0.
_base_ = [
    './_base_/tiny_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=50),
    neck=dict(in_channels=2048),
    type='SAMixMoCo',
    mix_policy=None,
    mixer=dict(type='SAMixMixer', in_channels=1024),
    alpha=2.0,
    mask_layer=3,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
    target='instance',
)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
]
