# Fine-tuning on small fine-grained sets (CUB-200, FGVC-Aircraft), SAMix (Li et
# al., arXiv:2111.15454, 2021, https://arxiv.org/abs/2111.15454) Sec. 4.1 and
# App. A.1.2: SGD lr 0.001, momentum 0.9, wd 5e-4, batch 16, 200 epochs, cosine
# to 0.

# ./cifar_sgd_cosine_800e.py with the fine-tuning lr, wd and length.
_base_ = './cifar_sgd_cosine_800e.py'
optim_wrapper = dict(optimizer=dict(lr=0.001, weight_decay=5e-4))
param_scheduler = dict(T_max=200)
train_cfg = dict(max_epochs=200, val_interval=1)
auto_scale_lr = dict(base_batch_size=16)
