# AutoMix: Z. Liu, S. Li, D. Wu, Z. Liu, Z. Chen, L. Wu, S. Z. Li, "AutoMix:
# Unveiling the Power of Mixup for Stronger Classifiers", ECCV 2022,
# https://arxiv.org/abs/2103.13027, through SAMix's momentum pipeline (its
# hooks and alpha = 2): the AutoMix Mixer (cross attention, lambda
# concatenated as a channel, linear content, nearest upsampling), the mixup
# CE for the Mixer (eta = 1), mean-only mask loss and no lambda adjusting.
_base_ = './samix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(
    mixer=dict(attention='cross', lam_encoding='concat', content='linear',
               upsample='nearest', var_weight=0.0),
    mixer_loss=dict(eta=1.0), lam_adjust=0.0)
