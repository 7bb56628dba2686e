# SAMix with eta = 1 in the Mixer's eta-balanced loss (eq. 8 with eta = 1 is
# the plain mixup cross-entropy, as AutoMix trains its Mixer) instead of the
# paper's eta = 0.5: the ablation of S. Li, Z. Liu, D. Wu, Z. Liu,
# S. Z. Li, "Boosting Discriminative Visual Representation Learning with
# Scenario-Agnostic Mixup", https://arxiv.org/abs/2111.15454, Table 8 and
# Fig. 5 (right). Everything else as ./samix_...py.
_base_ = './samix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py'
model = dict(mixer_loss=dict(eta=1.0))
