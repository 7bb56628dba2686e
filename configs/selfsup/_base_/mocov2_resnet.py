# MoCo v2 network (SAMix paper, Li et al., arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454, App. A.1.3): ResNet encoder, two-layer MLP
# projector to 128-d, infoNCE with temperature 0.2, key-encoder momentum 0.999,
# queue 16384 (STL-10 / Tiny; ImageNet configs set 65536). ResNet-18 here; R-50
# configs set backbone depth 50 and neck in_channels 2048.
model = dict(
    type='MixMoCo',
    backbone=dict(type='ResNet', depth=18, norm_cfg=dict(type='BN'),
                  zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=512,
              hid_channels=2048, out_channels=128, with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'),
              temperature=0.2),
    mix_policy=[],
    queue_len=16384,
    feat_dim=128,
    momentum=0.999)
