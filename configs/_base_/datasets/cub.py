# CUB-200-2011 (200 bird species; 5,994 train / 5,794 test images), read by
# mmpretrain's CUB from `data_root` = the extracted `CUB_200_2011` folder
# (images/, images.txt, image_class_labels.txt, train_test_split.txt); nothing
# is downloaded. SAMix (Li et al., arXiv:2111.15454, 2021,
# https://arxiv.org/abs/2111.15454) Sec. 4.1 / App. A.1.2: RandomResizedCrop +
# flip, batch 16. The paper gives no image size; 224 is the resolution of the
# ImageNet-pretrained initialisation, so the ImageNet pipelines and
# normalisation are inherited as they are (test: short edge 256, centre 224).
_base_ = './imagenet.py'
dataset_type = 'CUB'
data_root = 'data/CUB_200_2011'
data_preprocessor = dict(num_classes=200)
train_dataloader = dict(
    batch_size=16, num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='train'))
val_dataloader = dict(
    batch_size=16, num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='test'))
test_dataloader = val_dataloader
