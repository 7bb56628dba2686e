"""Alignment / uniformity (Wang & Isola 2020) against hand-computed values."""
import math

import pytest
import torch

from mixtoolbox.evaluation import AlignmentUniformity, alignment, uniformity

# four unit vectors at 90° steps; classes {0, 1, 2} and {3}
Z = torch.tensor([[1., 0.], [0., 1.], [-1., 0.], [0., -1.]])
Y = torch.tensor([0, 0, 0, 1])


def test_alignment_by_hand():
    # same-class pairs (0,1), (0,2), (1,2): squared distances 2, 4, 2
    assert alignment(Z, Y) == pytest.approx(8 / 3)
    # alpha = 1: distances √2, 2, √2
    assert alignment(Z, Y, alpha=1) == pytest.approx((2 + 2 * 2 ** 0.5) / 3)


def test_uniformity_by_hand():
    # 6 pairs: four at squared distance 2, two (antipodal) at 4
    expected = math.log((4 * math.exp(-2 * 2) + 2 * math.exp(-2 * 4)) / 6)
    assert uniformity(Z) == pytest.approx(expected)
    for chunk in (1, 3):
        assert uniformity(Z, chunk_size=chunk) == pytest.approx(expected)


def test_normalisation():
    assert alignment(3 * Z, Y) == pytest.approx(8 / 3)
    assert alignment(3 * Z, Y, normalize=False) == pytest.approx(9 * 8 / 3)
    expected = math.log((4 * math.exp(-2 * 18) + 2 * math.exp(-2 * 36)) / 6)
    assert uniformity(3 * Z, normalize=False) == pytest.approx(expected)


def test_uniformity_matches_pdist_and_respects_sphere_bound():
    z = torch.randn(50, 8, generator=torch.Generator().manual_seed(0),
                    dtype=torch.float64)
    zn = torch.nn.functional.normalize(z, dim=1)
    ref = torch.pdist(zn).pow(2).mul(-2).exp().mean().log().item()
    assert uniformity(z, chunk_size=7) == pytest.approx(ref, abs=1e-10)
    # Jensen on the unit sphere: U >= -t (2 + 2/(n-1))
    assert uniformity(z) >= -2 * (2 + 2 / 49)


def test_metric_and_errors():
    metric = AlignmentUniformity()
    metric.process(None, [dict(embedding=z, gt_label=torch.tensor([int(y)]))
                          for z, y in zip(Z, Y)])
    out = metric.compute_metrics(metric.results)
    assert out['alignment'] == pytest.approx(8 / 3, abs=1e-6)
    with pytest.raises(ValueError, match='RecordEmbeddingHook'):
        metric.process(None, [dict(gt_label=torch.tensor([0]))])
    with pytest.raises(ValueError, match='no class has two samples'):
        alignment(Z[:2], [0, 1])
    with pytest.raises(ValueError, match='n >= 2'):
        uniformity(Z[:1])
    with pytest.raises(ValueError, match='labels for'):
        alignment(Z, [0, 0])
    with pytest.raises(ValueError, match='`t`'):
        AlignmentUniformity(t=0)
    with pytest.raises(ValueError, match='`alpha`'):
        alignment(Z, Y, alpha=-1)


def test_zero_and_non_finite_rows_are_refused():
    dead = Z.clone()
    dead[2] = 0  # a dead ReLU neck
    for fn in (uniformity, lambda z: alignment(z, Y)):
        with pytest.raises(ValueError, match=r'rows \[2\] .*all zero'):
            fn(dead)
    # without normalisation the zero vector is an ordinary point
    assert alignment(dead, Y, normalize=False) == pytest.approx(
        (2 + 1 + 1) / 3)
    bad = Z.clone()
    bad[1, 0] = float('nan')
    with pytest.raises(ValueError, match=r'finite \(NaN/inf in rows \[1\]'):
        uniformity(bad)
