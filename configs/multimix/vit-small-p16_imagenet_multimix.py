# MultiMix (seed 001 §3.2, eqs. 6-8): n = 1000 interpolations of the whole
# mini-batch at the embedding, alpha ~ U[0.5, 2] per vector, with probability
# 0.5 per iteration, input mixup (alpha = 1) otherwise (App. A.1).
# Protocol of seed 001 App. A.1: ViT-S/16, AdamW lr 0.01, x0.1 at 100 and 200 of 300 epochs; m = 128 per process.
# Ablations (§4.4) from the command line, e.g.
#   --cfg-options model.mix_policy.0.n=100 model.mix_policy.0.alpha=1.0
#   --cfg-options model.mix_policy.0.layer=3      (mix after stage 3; 0 = input)
_base_ = [
    '../_base_/models/vit_small_p16.py',
    '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_adamw_300e.py',
    '../_base_/default_runtime.py',
]
model = dict(mix_policy=[
    dict(type='MultiMix', n=1000, alpha=(0.5, 2.0), prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
# seed 001 App. A.1: "a mini-batch of size m = 128 examples in all
# experiments"; MultiMix's m and n are per process.
train_dataloader = dict(batch_size=128)
