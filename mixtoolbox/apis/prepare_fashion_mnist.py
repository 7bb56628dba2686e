"""Write Fashion-MNIST where mmpretrain's ``FashionMNIST`` reads it.

The Debian package ``dataset-fashion-mnist`` ships the original gzipped IDX
files in /usr/share/datasets/fashion-mnist; mmpretrain reads the
decompressed files from its ``data_root``. Nothing is downloaded.
Each file's IDX header (magic number and sizes) is checked, so a truncated
or foreign file is refused.

    python tools/dataset_converters/prepare_fashion_mnist.py \
        [--out data/fashion_mnist]
"""
import argparse
import gzip
import os
import os.path as osp
import shutil
import struct
import sys
from typing import List, Optional, Sequence, Tuple

DEFAULT_SRC = '/usr/share/datasets/fashion-mnist'
# IDX header of each file: magic (0x0803 images, 0x0801 labels) and sizes
FILES = {
    'train-images-idx3-ubyte.gz': (0x0803, (60000, 28, 28)),
    'train-labels-idx1-ubyte.gz': (0x0801, (60000, )),
    't10k-images-idx3-ubyte.gz': (0x0803, (10000, 28, 28)),
    't10k-labels-idx1-ubyte.gz': (0x0801, (10000, )),
}


def check_idx(path: str, magic: int, shape: Tuple[int, ...]) -> None:
    """Raise ValueError unless the decompressed IDX file has the expected
    header and exactly the bytes the header announces."""
    with open(path, 'rb') as f:
        header = f.read(4 + 4 * len(shape))
        f.seek(0, os.SEEK_END)
        size = f.tell()
    fields = struct.unpack(f'>{1 + len(shape)}I', header)
    body = 1
    for dim in shape:
        body *= dim
    if fields[0] != magic or tuple(fields[1:]) != shape or \
            size != len(header) + body:
        raise ValueError(f'{path} is not the Fashion-MNIST IDX file it '
                         f'should be (header {fields}, {size} bytes; '
                         f'expected magic {magic:#06x} and shape {shape})')


def prepare(src: str = DEFAULT_SRC,
            out: str = 'data/fashion_mnist') -> List[str]:
    """Decompress the four IDX files from ``src`` into ``out`` (idempotent).

    Returns the list of files written (empty when all were present)."""
    missing = [n for n in FILES if not osp.isfile(osp.join(src, n))]
    if missing:
        raise FileNotFoundError(
            f'Fashion-MNIST not found in {src} (missing {missing}). Install '
            'the Debian package: `sudo apt-get install dataset-fashion-mnist`'
            ', or pass --src DIR holding the original *-ubyte.gz files.')
    os.makedirs(out, exist_ok=True)
    written = []
    for name, (magic, shape) in FILES.items():
        target = osp.join(out, name[:-3])
        if osp.isfile(target):
            continue
        tmp = target + '.part'
        with gzip.open(osp.join(src, name), 'rb') as fin, \
                open(tmp, 'wb') as fout:
            shutil.copyfileobj(fin, fout)
        check_idx(tmp, magic, shape)
        os.replace(tmp, target)
        written.append(target)
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--src', default=DEFAULT_SRC,
                        help=f'folder with the *-ubyte.gz files '
                        f'(default {DEFAULT_SRC})')
    parser.add_argument('--out', default='data/fashion_mnist',
                        help='data_root of the configs '
                        '(default data/fashion_mnist)')
    args = parser.parse_args(argv)
    try:
        written = prepare(args.src, args.out)
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'Fashion-MNIST ready in {args.out} '
          f'({len(written)} file(s) written)')
    return 0

