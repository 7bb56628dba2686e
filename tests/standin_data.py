"""Small stand-in data sets laid out exactly as the configs' dataset classes
expect them, for building and stepping every config without the real data.

Fashion-MNIST is real (decompressed from the Debian package)."""
import os
import os.path as osp
import pickle

import numpy as np

FMNIST_SRC = '/usr/share/datasets/fashion-mnist'


def make_cifar(root, cls):
    """``cls`` is mmpretrain's CIFAR10 or CIFAR100: files named after its
    ``train_list`` / ``test_list`` / ``meta`` in ``base_folder``."""
    folder = osp.join(root, cls.base_folder)
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(0)
    key = 'fine_labels' if 'fine' in cls.meta['key'] else 'labels'
    num_classes = 100 if key == 'fine_labels' else 10
    for name, _ in cls.train_list + cls.test_list:
        entry = {'data': rng.randint(0, 256, (8, 3072), dtype=np.uint8),
                 key: list(rng.randint(0, num_classes, 8))}
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(entry, f)
    with open(osp.join(folder, cls.meta['filename']), 'wb') as f:
        pickle.dump({cls.meta['key']: [f'c{i}' for i in range(num_classes)]},
                    f)
    return root


def _write_png(path, size, rng):
    import cv2
    os.makedirs(osp.dirname(path), exist_ok=True)
    cv2.imwrite(path, rng.randint(0, 256, (size, size, 3), dtype=np.uint8))


def make_image_folders(root, splits=('train', 'val'), size=64, classes=2,
                       per_class=4, with_meta=False):
    """``root/<split>/<class>/*.png`` (and ``meta/<split>.txt`` lists when
    ``with_meta``, the layout of mmpretrain's ImageNet)."""
    rng = np.random.RandomState(0)
    for split in splits:
        lines = []
        for c in range(classes):
            for i in range(per_class):
                rel = f'n{c:08d}/img_{i}.png'
                _write_png(osp.join(root, split, rel), size, rng)
                lines.append(f'{rel} {c}')
        if with_meta:
            os.makedirs(osp.join(root, 'meta'), exist_ok=True)
            with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
                f.write('\n'.join(lines) + '\n')
    return root


def image_folder_roots(base) -> dict:
    """Stand-in roots (under the folder ``base``) for the image-folder
    dataset types: 64 px class folders for ``CustomDataset`` and 72 px for
    ``ImageNet``, both with label lists (the STL-10 linear configs read
    meta/*.txt)."""
    return {
        'CustomDataset': make_image_folders(
            osp.join(base, 'tiny'), size=64, with_meta=True),
        'ImageNet': make_image_folders(
            osp.join(base, 'imagenet'), size=72, with_meta=True),
    }


def make_fashion_mnist(root):
    """Real Fashion-MNIST decompressed from the Debian package."""
    from mixtoolbox.apis.prepare_fashion_mnist import prepare
    prepare(FMNIST_SRC, root)
    return root


def make_fashion_mnist_standin(root, num=16):
    """Tiny IDX files named like Fashion-MNIST's (random pixels), for tests
    that build configs; real-data tests use :func:`make_fashion_mnist`."""
    import struct
    os.makedirs(root, exist_ok=True)
    rng = np.random.RandomState(0)
    for split in ('train', 't10k'):
        with open(osp.join(root, f'{split}-images-idx3-ubyte'), 'wb') as f:
            f.write(struct.pack('>4I', 0x0803, num, 28, 28))
            f.write(rng.randint(0, 256, num * 784, dtype=np.uint8).tobytes())
        with open(osp.join(root, f'{split}-labels-idx1-ubyte'), 'wb') as f:
            f.write(struct.pack('>2I', 0x0801, num))
            f.write(rng.randint(0, 10, num, dtype=np.uint8).tobytes())
    return root


def make_cub(root, size=64, per_class=2):
    """mmpretrain's CUB layout: images/<class>/*.jpg, images.txt,
    image_class_labels.txt and train_test_split.txt (1 = train), with two
    classes and ``per_class`` images of each in each split."""
    rng = np.random.RandomState(0)
    images, labels, split = [], [], []
    for label in (1, 2):
        for i in range(2 * per_class):
            rel = f'{label:03d}.class_{label}/img_{i}.jpg'
            _write_png(osp.join(root, 'images', rel), size, rng)
            idx = len(images) + 1
            images.append(f'{idx} {rel}')
            labels.append(f'{idx} {label}')
            split.append(f'{idx} {int(i < per_class)}')
    for name, lines in (('images.txt', images),
                        ('image_class_labels.txt', labels),
                        ('train_test_split.txt', split)):
        with open(osp.join(root, name), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root


def make_fgvc_aircraft(root, size=64, per_split=4):
    """mmpretrain's FGVCAircraft layout: data/images/<id>.jpg and
    data/images_variant_<split>.txt lines ``<id> <variant name>``."""
    from mmpretrain.datasets.categories import FGVCAIRCRAFT_CATEGORIES
    rng = np.random.RandomState(0)
    data = osp.join(root, 'data')
    for split in ('train', 'val', 'trainval', 'test'):
        lines = []
        for i in range(per_split):
            image_id = f'{split}{i:03d}'
            _write_png(osp.join(data, 'images', f'{image_id}.jpg'), size,
                       rng)
            lines.append(f'{image_id} {FGVCAIRCRAFT_CATEGORIES[i % 2]}')
        with open(osp.join(data, f'images_variant_{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root
