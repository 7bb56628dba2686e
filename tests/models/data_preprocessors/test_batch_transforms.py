"""Batch-level random crop / flip and the data preprocessor that runs them:
exact results for explicit params, the offset / flip distributions, seeding,
equivalence with mmpretrain's per-sample transforms, and clear errors."""
import numpy as np
import pytest
import torch
from mmpretrain.datasets.transforms import RandomCrop, RandomFlip
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.structures import DataSample

from mixtoolbox.models import (
    BatchRandomCrop,
    BatchRandomFlip,
    BatchTransformClsDataPreprocessor,
)
from mixtoolbox.registry import MODELS

MEAN, STD = 72.94, 90.02


def batch(n=6, c=2, h=5, w=7, dtype=torch.float32):
    return torch.arange(n * c * h * w, dtype=torch.float32).view(
        n, c, h, w).add(1).to(dtype)


# ------------------------------------------------------------------- crop
def test_crop_matches_pad_and_slice():
    x = batch()
    crop = BatchRandomCrop(crop_size=(5, 7), padding=2, pad_val=-3)
    top = torch.tensor([0, 4, 2, 1, 3, 0])
    left = torch.tensor([4, 0, 2, 3, 1, 0])
    out = crop.apply(x, top=top, left=left)
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-3)
    for i in range(len(x)):
        want = padded[i, :, top[i]:top[i] + 5, left[i]:left[i] + 7]
        assert torch.equal(out[i], want)
    # offset (padding, padding) is the identity
    same = crop.apply(x, top=torch.full((6, ), 2), left=torch.full((6, ), 2))
    assert torch.equal(same, x)


def test_crop_smaller_than_image_and_uint8():
    x = batch(dtype=torch.uint8)
    crop = BatchRandomCrop(crop_size=3)
    params = crop.sample_params(x, torch.Generator().manual_seed(0))
    assert params['top'].max() <= 2 and params['left'].max() <= 4
    out = crop.apply(x, **params)
    assert out.shape == (6, 2, 3, 3) and out.dtype == torch.uint8
    for i in range(6):
        t, lf = int(params['top'][i]), int(params['left'][i])
        assert torch.equal(out[i], x[i, :, t:t + 3, lf:lf + 3])


def test_crop_offsets_uniform_and_seeded():
    x = torch.zeros(4000, 1, 4, 4)
    crop = BatchRandomCrop(crop_size=4, padding=2)
    a = crop.sample_params(x, torch.Generator().manual_seed(1))
    b = crop.sample_params(x, torch.Generator().manual_seed(1))
    assert torch.equal(a['top'], b['top']) and torch.equal(a['left'],
                                                           b['left'])
    for key in ('top', 'left'):
        counts = torch.bincount(a[key], minlength=5)
        assert len(counts) == 5  # offsets 0 .. 2 * padding, nothing else
        # 4000 draws over 5 values: each ~800 (binomial sd ~25)
        assert (counts - 800).abs().max() < 150, counts
    # the global generator is used without one (the Runner seeds it)
    torch.manual_seed(3)
    c = crop(x[:50])
    torch.manual_seed(3)
    assert torch.equal(c, crop(x[:50]))


def test_crop_same_distribution_as_per_sample_transform():
    """Every (top, left) of mmpretrain's RandomCrop(padding=2) is one of the
    batch crop's outputs and vice versa: compare the sets of crops of one
    image under many draws."""
    rng = np.random.RandomState(0)
    img = rng.randint(1, 255, (6, 6, 1), dtype=np.uint8)
    np.random.seed(0)
    per_sample = RandomCrop(crop_size=6, padding=2)
    seen = {per_sample.transform(dict(img=img.copy()))['img'].tobytes()
            for _ in range(400)}
    x = torch.from_numpy(img).permute(2, 0, 1)[None].expand(400, -1, -1, -1)
    out = BatchRandomCrop(crop_size=6, padding=2)(
        x.contiguous(), torch.Generator().manual_seed(0))
    batch_seen = {o.permute(1, 2, 0).numpy().tobytes() for o in out}
    assert len(seen) == 25 and batch_seen == seen


@pytest.mark.parametrize('kwargs, field', [
    (dict(crop_size=0), 'crop_size'), (dict(crop_size=(3, 3, 3)),
                                       'crop_size'),
    (dict(crop_size=2.5), 'crop_size'), (dict(crop_size=3, padding=-1),
                                         'padding'),
    (dict(crop_size=3, pad_val='zero'), 'pad_val')])
def test_crop_bad_arguments(kwargs, field):
    with pytest.raises(ValueError, match=f'`{field}`'):
        BatchRandomCrop(**kwargs)


def test_crop_bad_inputs_and_params():
    crop = BatchRandomCrop(crop_size=9, padding=1)
    with pytest.raises(ValueError, match='does not fit'):
        crop(batch())
    with pytest.raises(ValueError, match='4-D'):
        crop(torch.zeros(3, 8, 8))
    crop = BatchRandomCrop(crop_size=5, padding=1)
    with pytest.raises(ValueError,
                       match=r'`top` offsets must lie in \[0, 2\]'):
        crop.apply(batch(w=5), top=torch.full((6, ), 3),
                   left=torch.zeros(6, dtype=torch.long))
    with pytest.raises(ValueError, match='`left` must have shape'):
        crop.apply(batch(w=5), top=torch.zeros(6, dtype=torch.long),
                   left=torch.zeros(5, dtype=torch.long))


# ------------------------------------------------------------------- flip
@pytest.mark.parametrize('direction, dim', [('horizontal', -1),
                                            ('vertical', -2)])
def test_flip_matches_per_sample_flip(direction, dim):
    x = batch()
    flip = torch.tensor([True, False, False, True, True, False])
    out = BatchRandomFlip(direction=direction).apply(x, flip=flip)
    for i in range(len(x)):
        want = x[i].flip(dim) if flip[i] else x[i]
        assert torch.equal(out[i], want)


def test_flip_probability_and_seed():
    x = torch.zeros(4000, 1, 2, 2)
    params = BatchRandomFlip(prob=0.3).sample_params(
        x, torch.Generator().manual_seed(0))
    assert abs(params['flip'].float().mean().item() - 0.3) < 0.04
    x = batch()
    assert torch.equal(BatchRandomFlip(prob=0)(x), x)
    assert torch.equal(BatchRandomFlip(prob=1)(x), x.flip(-1))
    # the same decisions as mmpretrain's RandomFlip would make per sample
    img = x[0].permute(1, 2, 0).numpy()
    flipped = RandomFlip(prob=1.0, direction='horizontal').transform(
        dict(img=img.copy()))['img']
    assert np.array_equal(flipped, BatchRandomFlip(prob=1)(x)[0].permute(
        1, 2, 0).numpy())


@pytest.mark.parametrize('kwargs, field', [
    (dict(prob=1.5), 'prob'), (dict(prob=True), 'prob'),
    (dict(direction='diagonal'), 'direction')])
def test_flip_bad_arguments(kwargs, field):
    with pytest.raises(ValueError, match=f'`{field}`'):
        BatchRandomFlip(**kwargs)


def test_flip_bad_params():
    with pytest.raises(ValueError, match='`flip` must be a bool tensor'):
        BatchRandomFlip().apply(batch(), flip=torch.ones(6))


# ---------------------------------------------------------- preprocessor
def packed(n=4, seed=0):
    """What PackInputs + pseudo_collate hand over for 28x28 grey images."""
    g = torch.Generator().manual_seed(seed)
    imgs = [torch.randint(0, 256, (1, 28, 28), generator=g,
                          dtype=torch.uint8) for _ in range(n)]
    samples = [DataSample().set_gt_label(i % 10) for i in range(n)]
    return dict(inputs=imgs, data_samples=samples)


def preprocessor(**kwargs):
    return MODELS.build(dict(
        type='BatchTransformClsDataPreprocessor', mean=[MEAN], std=[STD],
        num_classes=10, batch_transforms=[
            dict(type='BatchRandomCrop', crop_size=28, padding=2),
            dict(type='BatchRandomFlip', prob=0.5)], **kwargs))


def test_preprocessor_eval_equals_mmpretrain():
    data = packed()
    ours = preprocessor()(packed(), training=False)
    theirs = ClsDataPreprocessor(mean=[MEAN], std=[STD], num_classes=10)(
        data, training=False)
    assert torch.allclose(ours['inputs'], theirs['inputs'])
    assert [int(s.gt_label) for s in ours['data_samples']] == [0, 1, 2, 3]


def test_preprocessor_training_crops_raw_pixels_before_normalising():
    data = packed(n=8)
    raw = torch.stack(data['inputs']).float()
    gen = torch.Generator().manual_seed(5)
    out = preprocessor(generator=gen)(data, training=True)['inputs']
    # replay the same draws by hand: crop, flip, then normalise
    gen.manual_seed(5)
    crop, flip = BatchRandomCrop(28, padding=2), BatchRandomFlip(0.5)
    want = crop.apply(raw, **crop.sample_params(raw, gen))
    want = flip.apply(want, **flip.sample_params(want, gen))
    want = (want - MEAN) / STD
    assert torch.allclose(out, want)
    # zero padding in pixel units becomes -mean/std after normalisation
    border = torch.cat([out[..., 0, :].flatten(), out[..., -1, :].flatten()])
    assert torch.isclose(border, torch.tensor(-MEAN / STD)).any()
    # seeded: the same generator seed gives the same batch
    gen.manual_seed(5)
    again = preprocessor(generator=gen)(packed(n=8), training=True)
    assert torch.equal(again['inputs'], out)


def test_preprocessor_errors():
    with pytest.raises(TypeError, match='`batch_transforms` entries'):
        BatchTransformClsDataPreprocessor(
            batch_transforms=[dict(type='GlobalAveragePooling')])
    with pytest.raises(TypeError, match='`generator`'):
        BatchTransformClsDataPreprocessor(generator=0)
    data = packed()
    data['inputs'][0] = torch.zeros(1, 30, 28, dtype=torch.uint8)
    with pytest.raises(ValueError, match='images of one size'):
        preprocessor()(data, training=True)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_transforms_on_cuda_match_cpu():
    x = batch(n=16)
    crop, flip = BatchRandomCrop(5, padding=2), BatchRandomFlip()
    for t in (crop, flip):
        cpu = t(x, torch.Generator().manual_seed(0))
        gpu = t(x.cuda(), torch.Generator().manual_seed(0))
        assert gpu.is_cuda and torch.equal(gpu.cpu(), cpu)
