"""mixtoolbox.apis.mixed_gallery (tools/visualization/mixed_gallery.py) on
tiny inputs: galleries and λ sweeps for model-free, saliency and learned
mixups, and the clear errors."""
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mixtoolbox.apis import mixed_gallery as tool

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SAMIX_CPU = osp.join(ROOT, 'configs/samix/'
                     'samix_preactresnet18-w8_1xb100-10e_fashion-mnist.py')
QUICKSTART = osp.join(ROOT, 'configs/quickstart/'
                      'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')


def grid_size(columns, h, w, rows=4):
    """make_grid with 1-pixel padding, plus the λ caption strip."""
    return (columns * (w + 1) + 1, rows * (h + 1) + 1 + tool.CAPTION)


@pytest.fixture(scope='module')
def images(tmp_path_factory):
    import cv2
    folder = tmp_path_factory.mktemp('images')
    rng = np.random.RandomState(0)
    paths = []
    for i in range(3):
        paths.append(str(folder / f'img{i}.png'))
        cv2.imwrite(paths[-1], rng.randint(0, 256, (20, 24, 3),
                                           dtype=np.uint8))
    return paths


@pytest.fixture(scope='module')
def fmnist(tmp_path_factory):
    return standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('fmnist')))


def test_learned_mixer_gallery_and_sweep_from_the_dataset(tmp_path, fmnist):
    data = [f'train_dataloader.dataset.data_root={fmnist}']
    out = str(tmp_path)
    path, = tool.main([SAMIX_CPU, out, '--num', '3', '--cfg-options',
                       *data])
    assert osp.basename(path) == 'SAMixMixer.png'
    assert Image.open(path).size == grid_size(3, 28, 28)
    path, = tool.main([SAMIX_CPU, out, '--sweep', '--cfg-options', *data])
    assert osp.basename(path) == 'SAMixMixer_sweep.png'
    assert Image.open(path).size == grid_size(11, 28, 28)


def test_registered_mixups_on_image_files(tmp_path, images):
    out = str(tmp_path)
    path, = tool.main([QUICKSTART, out, '--mixup', 'CutMix', '--mixup-args',
                       'alpha=1.0', '--images', *images])
    assert Image.open(path).size == grid_size(3, 20, 24)
    path, = tool.main([QUICKSTART, out, '--mixup', 'Mixup', '--sweep',
                       '--images', *images, '--size', '16', '16'])
    assert Image.open(path).size == grid_size(11, 16, 16)
    # a saliency mixup runs on the config's model
    path, = tool.main([QUICKSTART, out, '--mixup', 'PuzzleMix',
                       '--images', *images, '--size', '16', '16'])
    assert Image.open(path).size == grid_size(3, 16, 16)


def test_the_configs_own_mixup(tmp_path, images):
    path, = tool.main([QUICKSTART, str(tmp_path), '--images', *images])
    assert osp.basename(path) == 'CutMix.png'


def test_clear_errors(tmp_path, images):
    out = str(tmp_path)
    broken = ['--cfg-options', 'model.backbone.depth=7']
    with pytest.raises(tool.NeedsModel, match='PuzzleMix needs the model'):
        tool.main([QUICKSTART, out, '--mixup', 'PuzzleMix', '--images',
                   *images, *broken])
    with pytest.raises(ValueError, match='does not draw λ'):
        tool.main([QUICKSTART, out, '--mixup', 'ZetaMixup', '--sweep',
                   '--images', *images])
    with pytest.raises(ValueError, match='embeddings'):
        tool.main([QUICKSTART, out, '--mixup', 'ManifoldMix', '--images',
                   *images])
    with pytest.raises(ValueError, match='unknown mixup type'):
        tool.main([QUICKSTART, out, '--mixup', 'NoSuchMix', '--images',
                   *images])
    with pytest.raises(SystemExit):
        tool.main([QUICKSTART, out, '--num', '1'])
