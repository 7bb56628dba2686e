"""Convert an image and its instance label image (0 = background, one
integer per instance, e.g. StarDist / Cellpose ground truth) to an 8-bit RGB
PNG and a COCO JSON with one RLE mask per instance.

Example (the stardist 0.9.2 wheel's 2-D sample: 125 nuclei):
    python tools/dataset_converters/label_image_to_coco.py \
        data/smoke/stardist/img2d.tif data/smoke/stardist/mask2d.tif \
        -o data/smoke/stardist --category nucleus
"""
import argparse
import json
import os.path as osp
import sys
from typing import Optional, Sequence

import mmcv

from mixtoolbox.transfer.coco import label_image_to_coco, summary, to_rgb8


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('image', help='image of any bit depth')
    parser.add_argument('labels', help='integer label image, same size')
    parser.add_argument('-o', '--out-dir', required=True,
                        help='writes <image stem>.png and <image stem>.json')
    parser.add_argument('--category', default='object',
                        help='category name of every instance')
    parser.add_argument('--percentiles', nargs=2, type=float,
                        default=(1.0, 99.8), metavar=('LOW', 'HIGH'),
                        help='intensities mapped to 0 and 255 (default: '
                        '1 99.8 percent)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    for path in (args.image, args.labels):
        if not osp.isfile(path):
            sys.exit(f'label_image_to_coco: no such file {path!r}')
    if not osp.isdir(args.out_dir):
        sys.exit(f'label_image_to_coco: no directory {args.out_dir!r}')
    image = mmcv.imread(args.image, flag='unchanged')
    labels = mmcv.imread(args.labels, flag='unchanged')
    if image.shape[:2] != labels.shape[:2]:
        sys.exit(f'label_image_to_coco: image {image.shape[:2]} and labels '
                 f'{labels.shape[:2]} differ in size')
    stem = osp.splitext(osp.basename(args.image))[0]
    try:
        rgb = to_rgb8(image, args.percentiles)
        coco = label_image_to_coco(labels, stem + '.png', args.category)
    except (TypeError, ValueError) as err:
        sys.exit(f'label_image_to_coco: {err}')
    mmcv.imwrite(rgb, osp.join(args.out_dir, stem + '.png'))
    out = osp.join(args.out_dir, stem + '.json')
    with open(out, 'w') as f:
        json.dump(coco, f)
    print(f'{out}: {summary(coco)}')
    return coco

