"""VOC XML and label-image converters to COCO JSON, on the real smoke data
(deepforest: 4 images / 951 trees; stardist: 125 nuclei)."""
import json
import os.path as osp
import types
import xml.etree.ElementTree as ET

import mmcv
import numpy as np
import pytest
from pycocotools import mask as mask_utils

from mixtoolbox.transfer.coco import (
    label_image_to_coco,
    to_rgb8,
    voc_xml_to_coco,
)


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_deepforest_all_boxes(smoke_data):
    coco = _load(smoke_data['deepforest']['all'])
    assert len(coco['images']) == 4
    assert len(coco['annotations']) == 951
    assert [c['name'] for c in coco['categories']] == ['Alive', 'Dead',
                                                       'Tree']
    osbs = next(i for i in coco['images'] if i['file_name'] == 'OSBS_029.png')
    assert (osbs['width'], osbs['height']) == (400, 400)
    first = next(a for a in coco['annotations'] if a['image_id'] == osbs['id'])
    # OSBS_029.xml's first object: xmin 203, ymin 67, xmax 227, ymax 90
    assert first['bbox'] == [202, 66, 24, 23] and first['area'] == 24 * 23
    small = _load(smoke_data['deepforest']['small'])
    assert [c['name'] for c in small['categories']] == ['Tree']
    assert len(small['annotations']) == 61 + 37


def test_boxes_match_mmdet_voc_reading(smoke_data):
    """Every converted box equals what mmdet's own VOCDataset parser makes
    of the XML, so COCO- and VOC-format training see the same boxes."""
    from mmdet.datasets.xml_style import XMLDataset
    root = osp.dirname(smoke_data['deepforest']['all'])
    xml = osp.join(root, '2019_YELL_2_541000_4977000_image_crop.xml')
    fake = types.SimpleNamespace(_metainfo=dict(classes=('Tree', )),
                                 cat2label={'Tree': 0}, bbox_min_size=None,
                                 test_mode=False)
    ref = XMLDataset._parse_instance_info(fake, ET.parse(xml).getroot())
    coco = voc_xml_to_coco([xml])
    got = [[x, y, x + w, y + h] for x, y, w, h in
           (a['bbox'] for a in coco['annotations'])]
    assert len(got) == 279
    assert got == [r['bbox'] for r in ref]


def test_stardist_masks_are_exact(smoke_data):
    root = osp.dirname(smoke_data['stardist']['all'])
    coco = _load(smoke_data['stardist']['all'])
    labels = mmcv.imread(osp.join(root, 'mask2d.tif'), flag='unchanged')
    image = mmcv.imread(osp.join(root, coco['images'][0]['file_name']))
    assert image.shape == (512, 512, 3) and image.dtype == np.uint8
    assert len(coco['annotations']) == 125
    ids = np.unique(labels)[1:]
    for value, ann in zip(ids, coco['annotations']):
        mask = mask_utils.decode(ann['segmentation'])
        assert np.array_equal(mask, labels == value)
        assert ann['area'] == int((labels == value).sum())
        ys, xs = np.nonzero(labels == value)
        assert ann['bbox'] == [xs.min(), ys.min(), xs.max() - xs.min() + 1,
                               ys.max() - ys.min() + 1]


def test_to_rgb8_stretches_percentiles():
    img = np.arange(100, dtype=np.uint16).reshape(10, 10)
    out = to_rgb8(img, (0, 100))
    assert out.shape == (10, 10, 3) and out.dtype == np.uint8
    assert out[0, 0, 0] == 0 and out[-1, -1, 2] == 255
    assert out[5, 0, 1] == round(50 / 99 * 255)
    with pytest.raises(ValueError, match='constant'):
        to_rgb8(np.full((4, 4), 7))
    with pytest.raises(ValueError, match='H×W'):
        to_rgb8(np.zeros(4))


def test_label_image_errors():
    with pytest.raises(ValueError, match='2-D'):
        label_image_to_coco(np.zeros((2, 2, 2), int), 'a.png')
    with pytest.raises(TypeError, match='integers'):
        label_image_to_coco(np.zeros((2, 2)), 'a.png')
    with pytest.raises(ValueError, match='no instance'):
        label_image_to_coco(np.zeros((2, 2), int), 'a.png')


def _voc(tmp_path, name='Tree', box=(3, 4, 10, 12), filename='a.tif',
         difficult=0):
    xml = tmp_path / 'a.xml'
    xml.write_text(
        f'<annotation><filename>{filename}</filename><size><width>20</width>'
        f'<height>20</height></size><object><name>{name}</name><difficult>'
        f'{difficult}</difficult><bndbox><xmin>{box[0]}</xmin><ymin>{box[1]}'
        f'</ymin><xmax>{box[2]}</xmax><ymax>{box[3]}</ymax></bndbox></object>'
        '</annotation>')
    (tmp_path / 'a.png').write_bytes(b'')
    return str(xml)


def test_voc_options_and_errors(tmp_path):
    xml = _voc(tmp_path, name='Dead', difficult=1)
    coco = voc_xml_to_coco([xml], rename={'Dead': 'Tree'})
    # the recorded .tif is missing, the .png with the same stem is used
    assert coco['images'][0]['file_name'] == 'a.png'
    assert coco['annotations'][0]['bbox'] == [2, 3, 7, 8]
    assert coco['annotations'][0]['iscrowd'] == 1
    with pytest.raises(ValueError, match=r"\['Dead'\] are not in"):
        voc_xml_to_coco([xml], classes=['Tree'])
    with pytest.raises(ValueError, match='empty box'):
        voc_xml_to_coco([_voc(tmp_path, box=(5, 5, 5, 9))])
    with pytest.raises(FileNotFoundError, match="image 'b.jpg'"):
        voc_xml_to_coco([_voc(tmp_path, filename='b.jpg')])
    with pytest.raises(FileNotFoundError, match='does not exist'):
        voc_xml_to_coco([str(tmp_path / 'none.xml')])
    with pytest.raises(ValueError, match='no annotation file'):
        voc_xml_to_coco([])


def test_command_lines(smoke_data, tmp_path, tool):
    root = osp.dirname(smoke_data['deepforest']['all'])
    voc = tool('dataset_converters/voc_xml_to_coco.py')
    out = str(tmp_path / 't.json')
    coco = voc.main([osp.join(root, 'SOAP_061.xml'), '-o', out,
                     '--rename', 'Alive=Tree', 'Dead=Tree'])
    assert _load(out) == coco and len(coco['annotations']) == 37
    with pytest.raises(SystemExit, match='OLD=NEW'):
        voc.main([osp.join(root, 'SOAP_061.xml'), '-o', out, '--rename', 'x'])

    sroot = osp.dirname(smoke_data['stardist']['all'])
    lab = tool('dataset_converters/label_image_to_coco.py')
    coco = lab.main([osp.join(sroot, 'img2d.tif'),
                     osp.join(sroot, 'mask2d.tif'), '-o', str(tmp_path),
                     '--category', 'nucleus'])
    assert coco == _load(smoke_data['stardist']['all'])
    assert osp.isfile(tmp_path / 'img2d.png')
    with pytest.raises(SystemExit, match='no such file'):
        lab.main([str(tmp_path / 'x.tif'), str(tmp_path / 'y.tif'), '-o',
                  str(tmp_path)])


def test_fetch_skips_only_when_the_registry_is_unreachable(tmp_path,
                                                           monkeypatch):
    import subprocess

    from .. import smoke_data

    def pip_says(text):
        monkeypatch.setattr(
            subprocess, 'run', lambda *a, **k: subprocess.CompletedProcess(
                a, 1, stdout='', stderr=text))

    pip_says("WARNING: Retrying (Retry(total=4)) after connection broken by "
             "'NewConnectionError: Failed to establish a new connection'")
    with pytest.raises(smoke_data.RegistryUnreachable):
        smoke_data.fetch_wheel('deepforest==2.1.0', str(tmp_path))
    pip_says('ERROR: No matching distribution found for deepforest==2.1.0')
    with pytest.raises(RuntimeError, match='pip download deepforest') as err:
        smoke_data.fetch_wheel('deepforest==2.1.0', str(tmp_path))
    assert type(err.value) is RuntimeError  # a failure, not a skip
    # a cached wheel is used without calling pip
    (tmp_path / 'deepforest-2.1.0-py3-none-any.whl').write_bytes(b'')
    assert smoke_data.fetch_wheel('deepforest==2.1.0', str(tmp_path)) == str(
        tmp_path / 'deepforest-2.1.0-py3-none-any.whl')
