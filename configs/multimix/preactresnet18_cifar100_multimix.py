# MultiMix (Venkataramanan et al., NeurIPS 2023, §3.2, eqs. 6-8): n = 1000 interpolations of the whole
# mini-batch at the embedding, alpha ~ U[0.5, 2] per vector, with probability
# 0.5 per iteration, input mixup (alpha = 1) otherwise (App. A.1).
# Protocol of Venkataramanan, Kijak, Amsaleg, Avrithis, "Embedding Space Interpolation
# Beyond Mini-Batch, Beyond Pairs and Beyond Examples" (MultiMix), NeurIPS 2023,
# App. A.1 (AlignMixup's, Venkataramanan et al., CVPR 2022): SGD lr 0.1, x0.1
# every 500 of 2000 epochs, batch 128.
# Ablations (§4.4) from the command line, e.g.
#   --cfg-options model.mix_policy.0.n=100 model.mix_policy.0.alpha=1.0
#   --cfg-options model.mix_policy.0.layer=3      (mix after stage 3; 0 = input)
_base_ = [
    '../_base_/models/preactresnet18_cifar.py',
    '../_base_/datasets/cifar100.py',
    '../_base_/schedules/cifar_sgd_2000e.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=100), mix_policy=[
    dict(type='MultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
