# SAMix-I (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454, App. A.1.3): Mixer on the layer-3 maps of
# the key encoder, eta-balanced infoNCE (eta = 0.5), alpha = 2, mask-loss
# weight 0.1 decaying linearly to 0; Fashion-MNIST CPU demo.
_base_ = ['./_base_/fashionmnist_mocov2_cpu.py']
model = dict(
    _delete_=True,
    type='SAMixMoCo',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone={{_base_.model.backbone}},
    neck={{_base_.model.neck}},
    head={{_base_.model.head}},
    mixer=dict(type='SAMixMixer', in_channels=32),
    target='instance',
    alpha=2.0,
    mask_layer=3,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
    queue_len=4096,
    feat_dim=128,
    momentum=0.999)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
]
