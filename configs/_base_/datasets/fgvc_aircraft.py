# FGVC-Aircraft (100 variants; 6,667 trainval / 3,333 test images), read by
# mmpretrain's FGVCAircraft from `data_root` = the extracted
# `fgvc-aircraft-2013b` folder (data/images/, data/images_variant_*.txt);
# nothing is downloaded. Same augmentation, batch and image size as ./cub.py
# (SAMix, arXiv:2111.15454, Sec. 4.1 / App. A.1.2); trains on `trainval`, tests
# on `test` (the dataset's standard split).
_base_ = './cub.py'
dataset_type = 'FGVCAircraft'
data_root = 'data/fgvc-aircraft-2013b'
data_preprocessor = dict(num_classes=100)
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='trainval'))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, split='test'))
test_dataloader = val_dataloader
