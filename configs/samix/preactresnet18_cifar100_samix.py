# SAMix (Li et al., "Boosting Discriminative Visual Representation Learning
# with Scenario-Agnostic Mixup", arXiv:2111.15454) on CIFAR-100 with
# PreActResNet-18: Mixer on the layer-3 maps of the momentum network,
# alpha = 2, eta = 0.5, beta 0.1 -> 0 (linear), momentum 0.999 -> 1 (cosine);
# Sec. 3.3, 4.1 and App. A.1.2. Protocol of Sec. 4.1: SGD lr 0.1, wd 1e-4,
# batch 100, 800 epochs, cosine, RandomCrop with 4-pixel reflect padding +
# flip (the cifar100_samix dataset base).
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100_samix.py',
    '../_base_/schedules/cifar_sgd_cosine_800e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='AutoMixClassifier',
    head=dict(num_classes=100),
    # layer3 of PreActResNet-18 has 256 channels (8x8 on 32x32 images)
    mixer=dict(type='SAMixMixer', in_channels=256),
    alpha=2.0,
    mask_layer=3,
    momentum=0.999,
    mixer_loss=dict(type='EtaBalancedLoss', eta=0.5),
    clean_loss_weight=1.0,
    lam_margin=0.08,
    lam_adjust=0.25,
)

custom_hooks = [
    dict(type='MomentumScheduleHook', start=0.999, end=1.0),
    dict(type='AnnealingHook', attr='mixer.mask_loss_weight', start=0.1,
         end=0.0, policy='linear'),
    # 500 iterations per epoch: a grid every 25 epochs
    dict(type='MixedGalleryHook', interval=12500),
]
