# ViT-S/16 (mmpretrain's VisionTransformer, arch 'deit-small'), 224 px,
# soft-target CE (the MultiMix paper, arXiv:2206.14868, App. A.1, trains it
# with AdamW): ./preactresnet18_cifar.py with the transformer backbone and its
# class-token head, 1000 classes.
_base_ = './preactresnet18_cifar.py'
model = dict(
    # mmpretrain's 'small' is a 768-d, 8-layer model; ViT-S/16 (384-d, 12
    # layers, 6 heads) is its 'deit-small' arch
    backbone=dict(_delete_=True, type='VisionTransformer', arch='deit-small',
                  img_size=224, patch_size=16, drop_path_rate=0.1),
    neck=None,
    head=dict(type='VisionTransformerClsHead', num_classes=1000,
              in_channels=384, topk=(1, 5)))
