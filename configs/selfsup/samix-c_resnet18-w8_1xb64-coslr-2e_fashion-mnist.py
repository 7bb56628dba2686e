# SAMix-C (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454, 2021, App. A.1.3): SAMix-I's
# Mixer trained instead with the eta-balanced mixup CE (eta = 0.5) of a cluster
# head g_psi on the key encoder's features against pseudo labels from online
# clustering (ODC-style memory, KMeans init); C = 10 here (the classes of
# Fashion-MNIST; the paper uses C = 200 for its 100k-image sets). Fashion-MNIST
# CPU scale.
_base_ = ['./samix-i_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py']
model = dict(target='cluster', num_clusters=10)
custom_hooks = [*_base_.custom_hooks,
                dict(type='OnlineClusteringHook', num_clusters=10)]
