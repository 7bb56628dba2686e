# SAMix: S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative
# Visual Representation Learning with Scenario-Agnostic Mixup",
# https://arxiv.org/abs/2111.15454, App. A.1.2: alpha = 2, Mixer on layer 3
# (32 channels, 7 x 7, of the width-8 network), eta = 0.5, mask-loss weight
# 0.1 -> 0 (linear), momentum 0.999 -> 1, lambda margin 0.08 / adjust 0.25.
_base_ = ['./vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py',
          '../../_base_/samix.py']
model = dict(
    _base_.samix_model, mix_policy=[],
    mixer=dict(type='SAMixMixer', in_channels=32),
    clean_loss_weight=1.0, lam_margin=0.08, lam_adjust=0.25)
custom_hooks = [dict(type='RNGStateHook'), *_base_.samix_hooks]
