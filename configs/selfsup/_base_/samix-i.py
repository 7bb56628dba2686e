# SAMix-I of Li, Liu, Wu, Liu, Li, "Boosting Discriminative Visual
# Representation Learning with Scenario-Agnostic Mixup" (SAMix),
# arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, App. A.1.3: the
# MoCo v2 network and optimisation of ./mocov2_resnet.py and
# ./mocov2_runtime.py with the Mixer on the layer-3 maps of the key encoder,
# trained with the eta-balanced infoNCE (eta = 0.5) through the frozen key
# encoder; alpha = 2, mask-loss weight 0.1 decaying linearly to 0. ResNet-18
# (layer 3: 256 channels); ResNet-50 configs set the backbone depth, the neck's
# in_channels (2048) and the Mixer's (1024). SAMix-C configs add the clustering
# (target='cluster' and an OnlineClusteringHook).
_base_ = ['./mocov2_resnet.py', './mocov2_runtime.py']
model = dict(
    type='SAMixMoCo',
    mix_policy=None,
    mixer=dict(type='SAMixMixer', in_channels=256),
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
