# SAMix-C (Li et al., arXiv:2111.15454, 2021, App. A.1.3): the SAMix-I config
# with the Mixer's loss the eta-balanced mixup CE (eta = 0.5) of a cluster head
# g_psi on key-encoder features against pseudo labels from online clustering, C
# = 200 (Sec. 4.3): ImageNet-1k, ResNet-50, 200 epochs. The SAMix paper gives
# no ImageNet pre-training length; 200 epochs is MoCo v2's.
_base_ = './samix-i_resnet50_8xb32-coslr-200e_in1k.py'
model = dict(target='cluster', num_clusters=200)
custom_hooks = [
    *_base_.custom_hooks,
    # the memory starts from un-augmented images (ODC): resize + centre crop
    dict(type='OnlineClusteringHook', num_clusters=200,
         fill_pipeline=[dict(type='LoadImageFromFile'),
                        dict(type='ResizeEdge', scale=256, edge='short'),
                        dict(type='CenterCrop', crop_size=224),
                        dict(type='PackInputs')]),
]
