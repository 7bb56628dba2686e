"""What the benchmark modules share: where the configs are, config globs,
a random batch through a config's train pipeline, a description of the
machine and a quiet set-up of torch and the registries."""
import glob
import os
import os.path as osp
import platform
from typing import TYPE_CHECKING, Iterable, List, Optional, Sequence

import numpy as np

if TYPE_CHECKING:
    from mmengine.config import Config

# the source checkout that holds configs/ (this file is
# <root>/mixtoolbox/analysis/common.py)
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# raw image (H, W, C) each dataset type hands to its pipeline
IMAGE_SHAPES = {'CIFAR10': (32, 32, 3), 'CIFAR100': (32, 32, 3),
                'MNIST': (28, 28, 1), 'FashionMNIST': (28, 28, 1)}


def in_root(path: str) -> str:
    """``path`` itself when absolute or found from the current directory,
    else the same relative path inside the checkout (:data:`REPO_ROOT`)."""
    if osp.isabs(path) or osp.exists(path):
        return path
    return osp.join(REPO_ROOT, path)


def expand(patterns: Iterable[str]) -> List[str]:
    """Config paths of ``patterns`` (files or quoted globs), in order,
    without repeats; a missing file raises ``FileNotFoundError``."""
    paths = []
    for pattern in patterns:
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) \
            else [pattern]
        for path in found:
            if not osp.isfile(path):
                raise FileNotFoundError(f'config not found: {path}')
            if path not in paths:
                paths.append(path)
    return paths


def random_batch(cfg: 'Config', batch_size: Optional[int],
                 image_size: Optional[Sequence[int]], seed: int) -> dict:
    """A collated batch of random images and labels through the config's
    train pipeline (loading transforms dropped), so that multi-view configs
    get their views; ``batch_size`` / ``image_size`` (H, W) default to the
    config's loader and dataset (:data:`IMAGE_SHAPES`, else 224 px RGB)."""
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import FUNCTIONS
    loader = cfg.train_dataloader
    dataset = loader.dataset
    while 'pipeline' not in dataset and 'dataset' in dataset:
        dataset = dataset.dataset  # dataset wrappers
    pipeline = Compose([t for t in dataset.get('pipeline', [])
                        if not t['type'].startswith('LoadImage')])
    h, w, c = IMAGE_SHAPES.get(dataset.get('type'), (224, 224, 3))
    if image_size:
        h, w = image_size
    num_classes = cfg.model.head.num_classes
    rng = np.random.RandomState(seed)
    samples = []
    for i in range(batch_size or loader.batch_size):
        shape = (h, w) if c == 1 else (h, w, c)
        img = rng.randint(0, 256, shape, dtype=np.uint8)
        samples.append(pipeline(dict(
            img=img, img_shape=(h, w), ori_shape=(h, w), sample_idx=i,
            gt_label=np.array(rng.randint(num_classes), dtype=np.int64))))
    collate = loader.get('collate_fn', dict(type='pseudo_collate'))
    if collate['type'] == 'pseudo_collate':
        return pseudo_collate(samples)
    return FUNCTIONS.get(collate['type'])(samples)


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (Linux), else platform's guess."""
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or 'unknown CPU'


def machine(device: str = 'cpu') -> str:
    """CPU model and logical CPU count (and the GPU on ``'cuda'``)."""
    text = f'{cpu_model()} ({os.cpu_count()} logical CPUs)'
    if device == 'cuda':
        import torch
        text += f'; GPU {torch.cuda.get_device_name()}'
    return text


def quiet_setup(threads: Optional[int], name: str) -> None:
    """Torch threads, the toolbox's registries (default scope) and a quiet
    current logger, shared by the benchmark tools."""
    import torch
    if threads:
        torch.set_num_threads(threads)
    from mmengine.logging import MMLogger

    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    # a current logger at WARNING keeps init_weights' per-parameter report
    # of every model out of the output
    MMLogger.get_instance(name, log_level='WARNING')

