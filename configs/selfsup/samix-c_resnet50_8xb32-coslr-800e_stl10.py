# SAMix-C (Li et al., arXiv:2111.15454, 2021, App. A.1.3): the SAMix-I config
# with the Mixer's loss the eta-balanced mixup CE (eta = 0.5) of a cluster head
# g_psi on key-encoder features against pseudo labels from online clustering, C
# = 200 (Sec. 4.3): STL-10, ResNet-50, 800 epochs.
_base_ = './samix-i_resnet50_8xb32-coslr-800e_stl10.py'
model = dict(target='cluster', num_clusters=200)
custom_hooks = [*_base_.custom_hooks,
                dict(type='OnlineClusteringHook', num_clusters=200)]
