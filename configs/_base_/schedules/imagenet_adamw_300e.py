# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; ImageNet, ViT-S/16): AdamW with default
# parameters, lr 0.01, ×0.1 at 100 and 200 epochs, batch 256.

# ./imagenet_sgd_300e.py with AdamW in place of SGD.
_base_ = './imagenet_sgd_300e.py'
optim_wrapper = dict(optimizer=dict(_delete_=True, type='AdamW', lr=0.01))
