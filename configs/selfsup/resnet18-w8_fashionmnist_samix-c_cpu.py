# SAMix-C (seed 003 App. A.1.3): SAMix-I's Mixer trained instead with the
# eta-balanced mixup CE (eta = 0.5) of a cluster head g_psi on the key
# encoder's features against pseudo labels from online clustering (ODC-style
# memory, KMeans init); C = 10 here (the classes of Fashion-MNIST; seed 003
# uses C = 200 for its 100k-image sets). Fashion-MNIST CPU scale.
_base_ = ['./resnet18-w8_fashionmnist_samix-i_cpu.py']
model = dict(target='cluster', num_clusters=10)
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
    dict(type='OnlineClusteringHook', num_clusters=10),
]
