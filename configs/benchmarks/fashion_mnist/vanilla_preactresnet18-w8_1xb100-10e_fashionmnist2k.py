# Accuracy-benchmark protocol (docs/benchmarks.md), vanilla row: a fixed
# subset small enough that regularisation by mixing can matter. Every method
# of tools/analysis/accuracy_benchmark.py is a config in this folder named
# {method}_preactresnet18-w8_1xb100-10e_fashionmnist2k.py that inherits this
# one and sets the model's mix_policy (or classifier); +dense / +distil add
# the fragments of _base_/modifiers/.
# - data: the first 2,000 Fashion-MNIST training images (`indices=2000`),
#   RandomCrop(28, pad 2) + flip; the full 10,000-image test set;
# - network: PreActResNet-18 of width 8 (1 input channel, 64-d embedding,
#   4x4 last map), as the CPU configs of configs/multimix and configs/samix;
# - schedule: batch 100 on one process (20 iterations per epoch), 10 epochs
#   (200 iterations), SGD lr 0.1, momentum 0.9 (Nesterov), weight decay 5e-4,
#   one-epoch linear warm-up then cosine to zero (the tool's --epochs N
#   rebuilds this schedule for N epochs); no validation during training, one
#   test at the end (on the test split: see test_mode below).
_base_ = [
    '../../_base_/models/preactresnet18-w8_fashion-mnist.py',
    '../../_base_/datasets/fashion_mnist.py',
    '../../_base_/default_runtime.py',
]
model = dict(
    mix_policy=[],
)
train_dataloader = dict(batch_size=100, num_workers=0,
                        persistent_workers=False,
                        dataset=dict(indices=2000))
# mmpretrain 1.2's MNIST picks its files by `test_mode`, not by `split`:
# without test_mode=True, split='test' reads the 60,000 training images
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(test_mode=True))
test_dataloader = val_dataloader
test_evaluator = [dict(type='Accuracy', topk=(1, )),
                  dict(type='CalibrationError', num_bins=15)]

max_epochs = 10
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True,
                   weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs,
         T_max=max_epochs - 1, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=max_epochs, max_keep_ckpts=1,
                                     save_best=None))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
