"""ECE / OE against values computed by hand from seed 002 §IV-H's equations
(and Thulasidasan et al.'s OE)."""
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.structures import DataSample

from mixtoolbox.evaluation import CalibrationError, calibration_errors
from mixtoolbox.registry import METRICS

# 4 samples; 0.5 sits on a bin edge and must fall into the lower bin,
# because bins are ((m-1)/M, m/M].
CONF = [0.375, 0.5, 0.75, 1.0]
CORRECT = [0, 1, 1, 0]


def test_two_bins_by_hand():
    # bin (0, .5]: {.375 wrong, .5 right}: acc .5, conf .4375
    # bin (.5, 1]: {.75 right, 1.0 wrong}: acc .5, conf .875
    # ECE = .5*|.5-.4375| + .5*|.5-.875| = .03125 + .1875 = .21875
    # OE  = .5*.4375*max(-.0625, 0) + .5*.875*.375 = .1640625
    out = calibration_errors(CONF, CORRECT, num_bins=2)
    assert out['ece'] == pytest.approx(0.21875, abs=1e-12)
    assert out['oe'] == pytest.approx(0.1640625, abs=1e-12)


def test_ten_bins_by_hand():
    # M = 10 (seed 002): every sample has its own bin, so
    # ECE = (.375 + .5 + .25 + 1) / 4 = .53125,
    # OE  = (.375*.375 + 0 + 0 + 1*1) / 4 = .28515625
    out = calibration_errors(CONF, CORRECT, num_bins=10)
    assert out['ece'] == pytest.approx(0.53125, abs=1e-12)
    assert out['oe'] == pytest.approx(0.28515625, abs=1e-12)


def test_matches_loop_over_bins_on_random_data():
    g = torch.Generator().manual_seed(0)
    conf = torch.rand(300, generator=g, dtype=torch.float64)
    correct = torch.rand(300, generator=g, dtype=torch.float64) < conf
    ece = oe = 0.0
    for m in range(1, 16):
        lo, hi = (m - 1) / 15, m / 15
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            acc = correct[inside].double().mean().item()
            avg = conf[inside].mean().item()
            w = inside.double().mean().item()
            ece += w * abs(acc - avg)
            oe += w * avg * max(avg - acc, 0.0)
    out = calibration_errors(conf, correct)
    assert out['ece'] == pytest.approx(ece, abs=1e-12)
    assert out['oe'] == pytest.approx(oe, abs=1e-12)


def test_calibrated_and_zero_confidence_cases():
    assert calibration_errors([1.0, 1.0], [1, 1]) == dict(ece=0.0, oe=0.0)
    # confidence 0 joins the first bin instead of being dropped
    out = calibration_errors([0.0, 1.0], [1, 1], num_bins=2)
    assert out['ece'] == pytest.approx(0.5) and out['oe'] == 0.0


def _samples(scores, labels):
    return [DataSample().set_pred_score(torch.tensor(s)).set_gt_label(y)
            for s, y in zip(scores, labels)]


def test_metric_from_registry_in_percent():
    # max scores .375/.5/.75/1.0; predictions right, right... as CORRECT
    scores = [[0.375, 0.3125, 0.3125], [0.25, 0.5, 0.25],
              [0.75, 0.125, 0.125], [0.0, 0.0, 1.0]]
    labels = [1, 1, 0, 0]
    evaluator = Evaluator([dict(type='CalibrationError', num_bins=2)])
    evaluator.process(_samples(scores, labels))
    metrics = evaluator.evaluate(4)
    assert metrics['calibration/ece'] == pytest.approx(21.875, abs=1e-5)
    assert metrics['calibration/oe'] == pytest.approx(16.40625, abs=1e-5)
    assert isinstance(METRICS.build(dict(type='CalibrationError')),
                      CalibrationError)


@pytest.mark.parametrize('bad, err', [(0, ValueError), (2.5, TypeError),
                                      (True, TypeError)])
def test_bad_num_bins(bad, err):
    with pytest.raises(err, match='num_bins'):
        CalibrationError(num_bins=bad)
    with pytest.raises(err, match='num_bins'):
        calibration_errors([0.5], [1], num_bins=bad)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        calibration_errors([1.5], [1])
    with pytest.raises(ValueError, match='differ in length'):
        calibration_errors([0.5, 0.6], [1])
    with pytest.raises(ValueError, match='no samples'):
        calibration_errors([], [])
    with pytest.raises(ValueError, match='pred_score'):
        CalibrationError().process(None, [dict(gt_label=torch.tensor([0]))])
