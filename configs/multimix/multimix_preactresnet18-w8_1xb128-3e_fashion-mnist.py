# MultiMix (p = 0.5) / input mixup on Fashion-MNIST, sized to finish in minutes
# on a CPU: a width-8 PreActResNet-18 (1 input channel, 64-d embedding, 4x4
# last map on 28x28), 3 epochs, batch 128; the MultiMix defaults of
# Venkataramanan et al. (arXiv:2206.14868, 2022, Sec. 4.4 and App. A.1,
# https://arxiv.org/abs/2206.14868).
_base_ = '../_base_/protocols/preactresnet18-w8_1xb128-3e_fashion-mnist.py'
model = dict(
    mix_policy=[
        dict(type='MultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
        dict(type='Mixup', alpha=1.0, prob=0.5),
    ],
)
train_dataloader = dict(batch_size=128, num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = val_dataloader
