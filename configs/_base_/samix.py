# SAMix (Li, Liu, Wu, Liu, Li, "Boosting Discriminative Visual Representation
# Learning with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454; Sec. 3.3, 4.1, App. A.1.2): what every
# SAMix config shares. mmengine refuses two bases that both define `model` or
# `custom_hooks`, so these are helper keys that each config places into its
# own `model` / `custom_hooks` (they stay in the loaded config, unused).
# The classifier: Mixer on the layer-3 maps (`mask_layer`) of the momentum
# network (momentum 0.999), alpha = 2, eta = 0.5; each config sets the
# Mixer's `in_channels`.
samix_model = dict(
    type='AutoMixClassifier',
    mixer=dict(type='SAMixMixer'),
    alpha=2.0,
    mask_layer=3,
    momentum=0.999,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
)
# momentum 0.999 -> 1 (cosine), the mask loss weight beta 0.1 -> 0 (linear)
samix_hooks = [
    dict(type='MomentumScheduleHook', start=0.999, end=1.0),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
]
