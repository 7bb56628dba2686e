"""Convert Pascal VOC XML box annotations to one COCO JSON file.

Boxes follow mmdet's VOCDataset reading (``[xmin-1, ymin-1, xmax-1, ymax-1]``)
and ``difficult`` objects become ``iscrowd=1`` (ignored, as in VOC).

Examples:
    # the 4 deepforest images (951 trees) shipped in its wheel
    python tools/dataset_converters/voc_xml_to_coco.py \
        data/smoke/deepforest/*.xml -o data/smoke/deepforest/trees.json
    # one class for every tree, fixed label order
    python tools/dataset_converters/voc_xml_to_coco.py VOC/Annotations/*.xml \
        --img-dir VOC/JPEGImages --classes Tree --rename Alive=Tree Dead=Tree \
        -o trees.json
"""
import argparse
import json
import sys
from typing import Optional, Sequence

from mixtoolbox.transfer.coco import summary, voc_xml_to_coco


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('xml', nargs='+', help='VOC XML files, one per image')
    parser.add_argument('-o', '--out', required=True, help='COCO JSON output')
    parser.add_argument('--img-dir', help='image folder (file_name is '
                        'relative to it); default: each XML\'s folder')
    parser.add_argument('--classes', nargs='+', help='category names in '
                        'label order; default: sorted names found')
    parser.add_argument('--rename', nargs='+', default=[], metavar='OLD=NEW',
                        help='map object names to categories first')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    bad = [r for r in args.rename if r.count('=') != 1]
    if bad:
        sys.exit(f'voc_xml_to_coco: --rename takes OLD=NEW, got {bad}')
    try:
        coco = voc_xml_to_coco(args.xml, args.img_dir, args.classes,
                               dict(r.split('=') for r in args.rename))
    except (OSError, ValueError) as err:
        sys.exit(f'voc_xml_to_coco: {err}')
    with open(args.out, 'w') as f:
        json.dump(coco, f)
    print(f'{args.out}: {summary(coco)}')
    return coco

