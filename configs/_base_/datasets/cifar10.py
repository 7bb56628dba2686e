# CIFAR-10: the CIFAR-100 pipeline and loaders (batch 128, RandomCrop(32, pad
# 4) + flip) with CIFAR-10's class count, statistics and folder. `data_root`
# holds the standard `cifar-10-batches-py` folder (as read by mmpretrain's
# CIFAR10); nothing is downloaded.
_base_ = './cifar100.py'
dataset_type = 'CIFAR10'
data_root = 'data/cifar10'
data_preprocessor = dict(
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255])
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
