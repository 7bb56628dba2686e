"""Turn the official STL-10 binary release into the layout the
self-supervised configs read.

STL-10 (Coates, Ng and Lee, "An Analysis of Single-Layer Networks in
Unsupervised Feature Learning", AISTATS 2011) ships ``stl10_binary/`` with
``{train,test,unlabeled}_X.bin`` (uint8, each image 3 × 96 × 96, every
channel stored column by column) and ``{train,test}_y.bin`` (uint8 labels
1–10). Nothing is downloaded; point the tool at the extracted folder.

Written layout (PNG, RGB)::

    OUT/train/<class>/train_000001.png    5,000 labelled training images
    OUT/train/unlabeled/unlabeled_000001.png   100,000 unlabelled images
    OUT/val/<class>/test_000001.png       8,000 test images
    OUT/meta/train.txt                    "<class>/train_000001.png <0-9>"
    OUT/meta/val.txt                      "<class>/test_000001.png <0-9>"
    OUT/meta/classes.txt                  the 10 class names, in label order

Pre-training (``configs/selfsup/_base_/stl10_mocov2.py``) reads every image
under ``train/`` without labels: 100k + 5k = 105k. Linear evaluation
(``configs/selfsup/resnet18_8xb32-linear-steplr-100e_stl10.py``) reads only
the listed labelled images (``meta/train.txt``, ``meta/val.txt``), so
``unlabeled/`` never becomes an 11th class. The test split sits in ``val/``
because the evaluation configs validate on it.

    python tools/dataset_converters/stl10.py data/stl10_binary --out data/stl10
"""
import argparse
import os
import os.path as osp
import sys
from typing import Optional, Sequence, Tuple

import numpy as np
from PIL import Image

SIZE = 96
PIXELS = 3 * SIZE * SIZE
CLASSES = ('airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse',
           'monkey', 'ship', 'truck')  # the release's class_names.txt
SPLITS = (('train', 'train', True), ('test', 'val', True),
          ('unlabeled', 'train/unlabeled', False))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert the official STL-10 binary release '
                    '(stl10_binary/*.bin) into image folders plus label '
                    'lists read by the self-supervised pre-training and the '
                    'linear-evaluation configs.')
    parser.add_argument('src', help='folder holding train_X.bin, '
                        'train_y.bin, test_X.bin, test_y.bin, unlabeled_X.bin '
                        '(the extracted stl10_binary/)')
    parser.add_argument('--out', default='data/stl10',
                        help='output folder (default: data/stl10)')
    parser.add_argument('--no-unlabeled', action='store_true',
                        help='skip unlabeled_X.bin (pre-training then sees '
                             'only the 5k labelled images)')
    return parser.parse_args(argv)


def read_images(path: str) -> np.ndarray:
    """``[N, 96, 96, 3]`` RGB uint8 view of an ``*_X.bin`` file."""
    size = osp.getsize(path)
    if size == 0 or size % PIXELS:
        raise ValueError(f'{path}: {size} bytes is not a whole number of '
                         f'3x96x96 images ({PIXELS} bytes each)')
    raw = np.memmap(path, dtype=np.uint8, mode='r').reshape(-1, 3, SIZE, SIZE)
    # each channel is stored column-major: axis 2 is x, axis 3 is y
    return raw.transpose(0, 3, 2, 1)


def read_labels(path: str, count: int) -> np.ndarray:
    """Labels 1-10 of a ``*_y.bin`` file as 0-9."""
    labels = np.fromfile(path, dtype=np.uint8)
    if labels.size != count:
        raise ValueError(f'{path}: {labels.size} labels for {count} images')
    if labels.size and not ((labels >= 1) & (labels <= 10)).all():
        raise ValueError(f'{path}: labels must lie in 1..10, got '
                         f'{sorted(set(labels.tolist()) - set(range(1, 11)))}')
    return labels.astype(np.int64) - 1


def classes_of(src: str) -> Tuple[str, ...]:
    path = osp.join(src, 'class_names.txt')
    if not osp.isfile(path):
        return CLASSES
    with open(path) as f:
        names = tuple(line.strip() for line in f if line.strip())
    if len(names) != 10:
        raise ValueError(f'{path}: expected 10 class names, got {len(names)}')
    return names


def convert(src: str, out: str, unlabeled: bool = True) -> dict:
    """Write the layout; returns the number of images per split."""
    classes = classes_of(src)
    os.makedirs(osp.join(out, 'meta'), exist_ok=True)
    with open(osp.join(out, 'meta', 'classes.txt'), 'w') as f:
        f.write('\n'.join(classes) + '\n')
    written = {}
    for split, folder, labelled in SPLITS:
        if split == 'unlabeled' and not unlabeled:
            continue
        path = osp.join(src, f'{split}_X.bin')
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} not found: `src` must be the '
                                    'extracted stl10_binary/ folder')
        images = read_images(path)
        labels = (read_labels(osp.join(src, f'{split}_y.bin'), len(images))
                  if labelled else None)
        lines = []
        for i, image in enumerate(images):
            name = f'{split}_{i + 1:06d}.png'
            rel = name if labels is None else osp.join(classes[labels[i]],
                                                       name)
            target = osp.join(out, folder, rel)
            os.makedirs(osp.dirname(target), exist_ok=True)
            Image.fromarray(np.ascontiguousarray(image)).save(target)
            if labels is not None:
                lines.append(f'{rel} {labels[i]}')
        if labelled:
            with open(osp.join(out, 'meta', f'{folder}.txt'), 'w') as f:
                f.write('\n'.join(lines) + '\n')
        written[split] = len(images)
    return written


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        counts = convert(args.src, args.out, not args.no_unlabeled)
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'stl10.py: {err}')
    print(f'STL-10 written to {args.out}: ' +
          ', '.join(f'{k} {v}' for k, v in counts.items()))

