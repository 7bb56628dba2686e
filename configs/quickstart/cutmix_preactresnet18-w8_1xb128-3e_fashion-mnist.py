# Quick start: a small PreActResNet-18 (width 8) on Fashion-MNIST with CutMix
# (probability 0.5 per iteration), trained through the mmengine Runner on CPU.
# `make quickstart` runs it and prints the top-1 on the full 10,000-image test
# set (tools/test.py); the README states the measured time and accuracy.
#
# Made for a small CPU machine (tools/analysis/profile_quickstart.py shows
# where the time goes):
# - the random crop (2-pixel zero padding) and horizontal flip run on the
#   whole batch as tensors in the data preprocessor, not per sample in the
#   pipeline, so data loading is light enough for the main process
#   (num_workers=0: no worker processes competing with the training threads
#   for the cores); Fashion-MNIST stays in memory as arrays
#   (serialize_data=False: without workers to share it with, pickling 70,000
#   samples at start-up and unpickling each one per access is pure cost);
# - channels-last weights make oneDNN's small convolutions faster;
# - no validation during training: the reported top-1 comes from the
#   separate test run on the same 10,000 images.
_base_ = '../_base_/protocols/preactresnet18-w8_1xb128-3e_fashion-mnist.py'
model = dict(
    mix_policy=[dict(type='CutMix', alpha=1.0, prob=0.5)],
)
data_preprocessor = dict(
    type='BatchTransformClsDataPreprocessor',
    batch_transforms=[
        dict(type='BatchRandomCrop', crop_size=28, padding=2),
        dict(type='BatchRandomFlip', prob=0.5, direction='horizontal'),
    ])
train_dataloader = dict(
    batch_size=128, num_workers=0, persistent_workers=False,
    dataset=dict(pipeline=[dict(type='PackInputs')], serialize_data=False))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(serialize_data=False))
test_dataloader = val_dataloader
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='MemoryFormatHook', memory_format='channels_last'),
]

# 3 epochs, one-epoch linear warm-up, then cosine decay to zero (the
# protocol in ../_base_/protocols/); val_begin after the last epoch: no
# validation pass during training
train_cfg = dict(val_interval=1, val_begin=_base_.max_epochs + 1)
auto_scale_lr = dict(base_batch_size=128)
