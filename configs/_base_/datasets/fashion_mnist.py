# Fashion-MNIST (28×28 grey, 10 classes). `data_root` holds the decompressed
# IDX files; `make data` / tools/dataset_converters/prepare_fashion_mnist.py
# writes them from the Debian package `dataset-fashion-mnist`. The CIFAR-100
# loaders (./cifar100.py) with a 28 px crop, persistent workers and test
# batches of 500.
_base_ = './cifar100.py'
dataset_type = 'FashionMNIST'
data_root = 'data/fashion_mnist'
data_preprocessor = dict(
    num_classes=10,
    # mean / std of the training images, in pixel units
    mean=[72.94],
    std=[90.02])

train_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=2),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    persistent_workers=True,
    dataset=dict(type=dataset_type, data_root=data_root,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=500,
    persistent_workers=True,
    # mmpretrain 1.2's FashionMNIST picks its files by `test_mode`, not by
    # `split`: both are set so that validation really uses the test images
    dataset=dict(type=dataset_type, data_root=data_root, test_mode=True))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
