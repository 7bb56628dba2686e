"""What the Runner-level engine tests share: a tiny SAMix classifier, a tiny
deterministic image set, its loader, and per-iteration checkpoint / logger
hooks."""
import torch
from mmengine.dataset import pseudo_collate
from mmpretrain.structures import DataSample
from torch.utils.data import DataLoader, Dataset


class TinyImages(Dataset):
    """8 random 32x32 uint8 RGB images (seeded by index), 4 classes."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return dict(inputs=torch.randint(0, 256, (3, 32, 32), generator=g,
                                         dtype=torch.uint8),
                    data_samples=DataSample().set_gt_label(i % 4))


def tiny_loader() -> DataLoader:
    """:class:`TinyImages` in batches of 4."""
    return DataLoader(TinyImages(), batch_size=4, collate_fn=pseudo_collate)


# a checkpoint every 2 iterations, a log line every iteration
ITER_HOOKS = dict(checkpoint=dict(type='CheckpointHook', interval=2,
                                  by_epoch=False),
                  logger=dict(type='LoggerHook', interval=1))


def tiny_model_cfg() -> dict:
    """A SAMix classifier on a 1/8-width PreActResNet-18, 4 classes."""
    return dict(
        type='AutoMixClassifier',
        data_preprocessor=dict(num_classes=4, mean=[128.0] * 3,
                               std=[64.0] * 3),
        backbone=dict(type='PreActResNet', depth=18, base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=4, in_channels=64,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        mixer=dict(type='SAMixMixer', in_channels=32))
