"""Annotation converters to COCO JSON (what mmdet's ``CocoDataset`` and
``CocoMetric`` read): Pascal VOC XML boxes, and instance label images.

Box convention: mmdet's ``VOCDataset`` reads a VOC box as
``[xmin - 1, ymin - 1, xmax - 1, ymax - 1]`` (1-based pixel indices), so a
converted box is ``[xmin - 1, ymin - 1, xmax - xmin, ymax - ymin]`` in COCO's
``[x, y, w, h]``: both loaders give the detector the same coordinates.
VOC ``difficult`` objects become ``iscrowd=1``, which mmdet ignores in
training and COCO evaluation ignores in matching, as VOC's evaluation does.

>>> coco = voc_xml_to_coco(['OSBS_029.xml'])  # doctest: +SKIP
>>> coco['annotations'][0]['bbox']  # doctest: +SKIP
[202, 66, 24, 23]
"""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, Iterable, Optional, Sequence

import numpy as np

_IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp')


def _resolve_image(name: str, img_dir: str) -> str:
    """``name`` inside ``img_dir``, else the same stem with another image
    extension (annotation tools often record the raw ``.tif`` while the
    dataset ships a ``.png``); ``FileNotFoundError`` otherwise."""
    if osp.isfile(osp.join(img_dir, name)):
        return name
    stem = osp.splitext(name)[0]
    for ext in _IMAGE_EXTS:
        if osp.isfile(osp.join(img_dir, stem + ext)):
            return stem + ext
    exts = '|'.join(e[1:] for e in _IMAGE_EXTS)
    raise FileNotFoundError(f'image {name!r} (or {stem}.<{exts}>) not found '
                            f'in {img_dir!r}')


def _int(node, tag: str, xml: str) -> int:
    child = node.find(tag)
    if child is None or child.text is None:
        raise ValueError(f'{xml}: <{tag}> is missing')
    return int(float(child.text))


def voc_xml_to_coco(xml_files: Iterable[str],
                    img_dir: Optional[str] = None,
                    classes: Optional[Sequence[str]] = None,
                    rename: Optional[Dict[str, str]] = None) -> dict:
    """COCO dict of the boxes in Pascal VOC XML files.

    Args:
        xml_files: one XML per image.
        img_dir: where the images are; default: each XML's directory.
            ``file_name`` is written relative to it.
        classes: category names in label order; default: the sorted names
            found. A name outside ``classes`` is an error, not dropped.
        rename: object name -> category name, applied first (e.g. merge
            deepforest's ``Alive`` / ``Dead`` trees into ``Tree``).
    """
    xml_files = list(xml_files)
    if not xml_files:
        raise ValueError('xml_files: no annotation file given')
    trees = {}
    for xml in xml_files:
        if not osp.isfile(xml):
            raise FileNotFoundError(f'annotation {xml!r} does not exist')
        trees[xml] = ET.parse(xml).getroot()
    rename = rename or {}

    def category(obj):
        name = obj.findtext('name')
        return rename.get(name, name)

    names = [category(o) for t in trees.values() for o in t.iter('object')]
    if classes is None:
        classes = sorted(set(names))
    unknown = sorted(set(names) - set(classes))
    if unknown:
        raise ValueError(f'classes: objects named {unknown} are not in the '
                         f'given classes {list(classes)}')
    cat_id = {c: i + 1 for i, c in enumerate(classes)}
    images, annotations = [], []
    for img_id, (xml, root) in enumerate(trees.items(), start=1):
        folder = img_dir if img_dir is not None else osp.dirname(xml)
        file_name = _resolve_image(root.findtext('filename', ''), folder)
        size = root.find('size')
        if size is None:
            raise ValueError(f'{xml}: <size> is missing')
        images.append(dict(id=img_id, file_name=file_name,
                           width=_int(size, 'width', xml),
                           height=_int(size, 'height', xml)))
        for obj in root.iter('object'):
            box = obj.find('bndbox')
            if box is None:
                raise ValueError(f'{xml}: an object has no <bndbox>')
            x1, y1, x2, y2 = (_int(box, t, xml)
                              for t in ('xmin', 'ymin', 'xmax', 'ymax'))
            if x2 <= x1 or y2 <= y1:
                raise ValueError(f'{xml}: empty box {[x1, y1, x2, y2]}')
            w, h = x2 - x1, y2 - y1
            annotations.append(dict(
                id=len(annotations) + 1, image_id=img_id,
                category_id=cat_id[category(obj)],
                bbox=[x1 - 1, y1 - 1, w, h], area=w * h,
                iscrowd=int(obj.findtext('difficult', '0') or 0)))
    return dict(images=images, annotations=annotations,
                categories=[dict(id=i, name=c) for c, i in cat_id.items()])


def to_rgb8(image: np.ndarray,
            percentiles: Sequence[float] = (1.0, 99.8)) -> np.ndarray:
    """``H×W×3`` uint8 of a grey or multi-channel image of any dtype,
    stretched between the given intensity percentiles (the usual display
    normalisation for microscopy, which is rarely 8-bit)."""
    if image.ndim not in (2, 3):
        raise ValueError(f'image must be H×W or H×W×C, got {image.shape}')
    lo, hi = np.percentile(image, percentiles)
    if hi <= lo:
        raise ValueError(f'image is constant between percentiles '
                         f'{tuple(percentiles)}; nothing to stretch')
    out = np.clip((image.astype(np.float64) - lo) / (hi - lo), 0, 1)
    out = np.round(out * 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2) if out.ndim == 2 else out


def label_image_to_coco(labels: np.ndarray, file_name: str,
                        category: str = 'object') -> dict:
    """COCO dict of one image whose instances are the positive values of an
    integer label image (0 = background), masks as compressed RLE."""
    from pycocotools import mask as mask_utils
    if labels.ndim != 2:
        raise ValueError(f'labels must be a 2-D label image, got shape '
                         f'{labels.shape}')
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f'labels must hold integers, got {labels.dtype}')
    ids = np.unique(labels)
    ids = ids[ids > 0]
    if ids.size == 0:
        raise ValueError('labels: the image has no instance (all zero)')
    height, width = labels.shape
    annotations = []
    for k, value in enumerate(ids, start=1):
        rle = mask_utils.encode(np.asfortranarray(labels == value,
                                                  dtype=np.uint8))
        rle['counts'] = rle['counts'].decode('ascii')
        annotations.append(dict(
            id=k, image_id=1, category_id=1, segmentation=rle,
            area=int(mask_utils.area(rle)),
            bbox=[float(v) for v in mask_utils.toBbox(rle)], iscrowd=0))
    return dict(
        images=[dict(id=1, file_name=file_name, width=width, height=height)],
        annotations=annotations, categories=[dict(id=1, name=category)])


def summary(coco: Dict) -> str:
    """One line: images, instances per category."""
    per_cat = {c['name']: sum(a['category_id'] == c['id']
                              for a in coco['annotations'])
               for c in coco['categories']}
    return f'{len(coco["images"])} images, {per_cat} instances'
