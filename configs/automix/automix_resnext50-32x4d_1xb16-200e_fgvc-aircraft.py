# AutoMix (Liu et al., ECCV 2022) through the same momentum pipeline as
# ../samix/samix_resnext50-32x4d_1xb16-200e_fgvc-aircraft.py (the SAMix paper,
# Li et al., arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454, compares
# against it in Table 5): the AutoMix Mixer (cross attention, lambda
# concatenated as a channel, linear content, nearest upsampling), mixup CE for
# the Mixer (eta = 1 is exactly the mixup CE), mean-only mask loss and no
# lambda adjusting.
_base_ = '../samix/samix_resnext50-32x4d_1xb16-200e_fgvc-aircraft.py'
model = dict(
    mixer=dict(attention='cross', lam_encoding='concat', content='linear',
               upsample='nearest', var_weight=0.0),
    mixer_loss=dict(type='EtaBalancedLoss', eta=1.0),
    lam_adjust=0.0,
)
