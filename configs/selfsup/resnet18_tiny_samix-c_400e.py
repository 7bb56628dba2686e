# Tiny-ImageNet, ResNet-18, 400 epochs.
# SAMix-C (seed 003 App. A.1.3): as SAMix-I, but the Mixer's loss is the
# eta-balanced mixup CE (eta = 0.5) of a cluster head g_psi on key-encoder
# features against pseudo labels from online clustering, C = 200 (§4.3).
_base_ = [
    './_base_/tiny_mocov2.py', './_base_/mocov2_resnet.py',
    './_base_/mocov2_runtime.py'
]
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    type='SAMixMoCo',
    mix_policy=None,
    mixer=dict(type='SAMixMixer', in_channels=256),
    alpha=2.0,
    mask_layer=3,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
    target='cluster',
    num_clusters=200,
)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
    # the memory starts from un-augmented images (ODC), at the 96 px the
    # views are cropped to
    dict(type='OnlineClusteringHook', num_clusters=200,
         fill_pipeline=[dict(type='LoadImageFromFile'),
                        dict(type='Resize', scale=96),
                        dict(type='PackInputs')]),
]
