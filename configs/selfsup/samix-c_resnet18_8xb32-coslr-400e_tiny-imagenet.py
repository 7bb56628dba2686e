# SAMix-C (Li et al., arXiv:2111.15454, 2021, App. A.1.3): the SAMix-I config
# with the Mixer's loss the eta-balanced mixup CE (eta = 0.5) of a cluster head
# g_psi on key-encoder features against pseudo labels from online clustering, C
# = 200 (Sec. 4.3): Tiny-ImageNet, ResNet-18, 400 epochs.
_base_ = './samix-i_resnet18_8xb32-coslr-400e_tiny-imagenet.py'
model = dict(target='cluster', num_clusters=200)
custom_hooks = [
    *_base_.custom_hooks,
    # the memory starts from un-augmented images (ODC), at the 96 px the
    # views are cropped to
    dict(type='OnlineClusteringHook', num_clusters=200,
         fill_pipeline=[dict(type='LoadImageFromFile'),
                        dict(type='Resize', scale=96),
                        dict(type='PackInputs')]),
]
