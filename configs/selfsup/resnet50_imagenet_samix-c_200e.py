# ImageNet-1k, ResNet-50, 200 epochs.
# SAMix-C (seed 003 App. A.1.3): as SAMix-I, but the Mixer's loss is the
# eta-balanced mixup CE (eta = 0.5) of a cluster head g_psi on key-encoder
# features against pseudo labels from online clustering, C = 200 (§4.3).
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
    target='cluster',
    num_clusters=200,
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
    # the memory starts from un-augmented images (ODC): resize + centre crop
    dict(type='OnlineClusteringHook', num_clusters=200,
         fill_pipeline=[dict(type='LoadImageFromFile'),
                        dict(type='ResizeEdge', scale=256, edge='short'),
                        dict(type='CenterCrop', crop_size=224),
                        dict(type='PackInputs')]),
]
