"""mixtoolbox.apis.stl10 (tools/dataset_converters/stl10.py) on tiny files
in the official binary format; both the pre-training and the linear-evaluation
config read its output (105k = unlabelled + labelled for the first, 10 classes
for the second)."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mixtoolbox.apis import stl10 as tool
from mixtoolbox.registry import DATASETS
from mixtoolbox.utils import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def write_official(folder, split, images, labels=None):
    """images ``[N, 96, 96, 3]`` RGB → ``<split>_X.bin`` as the release
    stores it: per image 3 channels, each column by column."""
    images.transpose(0, 3, 2, 1).astype(np.uint8).tofile(
        osp.join(folder, f'{split}_X.bin'))
    if labels is not None:
        np.asarray(labels, np.uint8).tofile(osp.join(folder, f'{split}_y.bin'))


@pytest.fixture(scope='module')
def release(tmp_path_factory):
    src = tmp_path_factory.mktemp('stl10_binary')
    rng = np.random.RandomState(0)
    data = {}
    for split, n, labels in (('train', 4, [1, 10, 3, 10]),
                             ('test', 3, [2, 1, 10]),
                             ('unlabeled', 5, None)):
        images = rng.randint(0, 256, (n, 96, 96, 3), dtype=np.uint8)
        # a marker that tells rows from columns and R from B
        images[:, 0, 1] = (255, 0, 0)
        write_official(str(src), split, images, labels)
        data[split] = (images, labels)
    return str(src), data


def test_pixels_labels_and_lists(release, tmp_path):
    src, data = release
    out = str(tmp_path / 'stl10')
    assert tool.convert(src, out) == dict(train=4, test=3, unlabeled=5)
    with open(osp.join(out, 'meta', 'train.txt')) as f:
        train = [line.split() for line in f.read().splitlines()]
    assert [int(label) for _, label in train] == [0, 9, 2, 9]
    assert train[1][0] == 'truck/train_000002.png'
    for (rel, _), image in zip(train, data['train'][0]):
        png = np.asarray(Image.open(osp.join(out, 'train', rel)))
        assert np.array_equal(png, image)  # orientation and channel order
        assert tuple(png[0, 1]) == (255, 0, 0)
    png = np.asarray(Image.open(
        osp.join(out, 'train', 'unlabeled', 'unlabeled_000005.png')))
    assert np.array_equal(png, data['unlabeled'][0][4])
    with open(osp.join(out, 'meta', 'val.txt')) as f:
        assert [line.split()[1] for line in f] == ['1', '0', '9']
    with open(osp.join(out, 'meta', 'classes.txt')) as f:
        assert f.read().split() == list(tool.CLASSES)


def build(config, part, root):
    register_all_modules()
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'selfsup', config))
    return DATASETS.build(dict(cfg[part].dataset, data_root=root))


def test_both_configs_read_the_output(release, tmp_path):
    src, _ = release
    out = str(tmp_path / 'stl10')
    tool.convert(src, out)
    pretrain = build('mocov2_resnet18_8xb32-coslr-400e_stl10.py',
                     'train_dataloader', out)
    assert len(pretrain) == 5 + 4  # unlabelled + labelled training images
    paths = [pretrain.get_data_info(i)['img_path']
             for i in range(len(pretrain))]
    assert sum('unlabeled' in p for p in paths) == 5
    assert not any('/val/' in p for p in paths)
    views = pretrain[0]['inputs']
    assert len(views) == 2 and views[0].shape == (3, 96, 96)
    for part, n, labels in (('train_dataloader', 4, [0, 9, 2, 9]),
                            ('val_dataloader', 3, [1, 0, 9])):
        linear = build('resnet18_8xb32-linear-steplr-100e_stl10.py', part, out)
        assert len(linear) == n
        assert len(linear.metainfo['classes']) == 10
        assert [linear.get_data_info(i)['gt_label']
                for i in range(n)] == labels
        assert linear[0]['inputs'].shape == (3, 96, 96)


def test_bad_release(tmp_path):
    (tmp_path / 'train_X.bin').write_bytes(b'\0' * 100)
    with pytest.raises(ValueError, match='3x96x96'):
        tool.convert(str(tmp_path), str(tmp_path / 'out'))
    write_official(str(tmp_path), 'train',
                   np.zeros((2, 96, 96, 3), np.uint8), [1, 11])
    with pytest.raises(ValueError, match='1..10'):
        tool.convert(str(tmp_path), str(tmp_path / 'out'))
    with pytest.raises(SystemExit, match='stl10.py'):
        tool.main([str(tmp_path / 'nowhere'), '--out', str(tmp_path / 'o')])
