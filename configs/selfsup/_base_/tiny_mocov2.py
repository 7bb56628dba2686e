# Tiny-ImageNet self-supervised pre-training: 64 px images cropped and resized
# to 96 px (the SAMix paper, Li et al., arXiv:2111.15454, 2021, App. A.1.3),
# batch 32 x 8 = 256. Layout as configs/_base_/datasets/tiny_imagenet.py
# (labels unused): the STL-10 fragment with Tiny-ImageNet's folder and
# statistics.
_base_ = ['./stl10_mocov2.py']
data_preprocessor = dict(mean=[122.46, 114.26, 101.36],
                         std=[70.49, 68.76, 71.93])
train_dataloader = dict(dataset=dict(data_root='data/tiny-imagenet-200'))
