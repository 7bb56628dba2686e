"""OOD detection metrics against values computed by hand (ID positive)."""
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.structures import DataSample

from mixtoolbox.evaluation import OODDetection, ood_detection_metrics

# sorted by confidence: .9 ID, .8 ID, .7 OOD, .4 ID, .3 OOD
ID, OOD = [0.9, 0.8, 0.4], [0.7, 0.3]


def test_by_hand():
    out = ood_detection_metrics(ID, OOD)
    # threshold .8: TPR 2/3, TNR 1 -> 0.5*2/3 + 0.5 = 5/6 (the best; .4
    # gives 0.5 + 0.25 = .75, .9 gives 1/6 + .5 = 2/3)
    assert out['det_acc'] == pytest.approx(5 / 6)
    # ID > OOD in 5 of the 6 (ID, OOD) pairs (only .4 < .7)
    assert out['auroc'] == pytest.approx(5 / 6)
    # AP(ID): recall steps 1/3 at precision 1 (.9), 1 (.8), 3/4 (.4)
    assert out['aupr_in'] == pytest.approx(1 / 3 + 1 / 3 + 1 / 4)
    # AP(OOD) on -score: steps 1/2 at precision 1 (.3), 2/3 (.7)
    assert out['aupr_out'] == pytest.approx(1 / 2 + 1 / 2 * 2 / 3)


def test_identity_cases():
    perfect = ood_detection_metrics([0.9, 0.8], [0.2, 0.1])
    assert perfect == dict(det_acc=1.0, auroc=1.0, aupr_in=1.0, aupr_out=1.0)
    blind = ood_detection_metrics([0.5, 0.5], [0.5, 0.5])
    assert blind['det_acc'] == 0.5 and blind['auroc'] == 0.5


def test_metric_splits_on_gt_label_and_reports_percent():
    def score(c):  # 4 classes, max-softmax c
        return torch.tensor([c] + [(1 - c) / 3] * 3)

    samples = [DataSample().set_pred_score(score(c)).set_gt_label(0)
               for c in ID]
    samples += [DataSample().set_pred_score(score(c)) for c in OOD]
    evaluator = Evaluator(dict(type='OODDetection'))
    evaluator.process(samples)
    metrics = evaluator.evaluate(len(samples))
    assert metrics['ood/auroc'] == pytest.approx(100 * 5 / 6, abs=1e-4)
    assert metrics['ood/aupr_in'] == pytest.approx(100 * 11 / 12, abs=1e-4)


def test_errors():
    with pytest.raises(ValueError, match='at least one ID'):
        ood_detection_metrics([], [0.5])
    with pytest.raises(ValueError, match='finite'):
        ood_detection_metrics([float('nan')], [0.5])
    metric = OODDetection()
    with pytest.raises(ValueError, match='pred_score'):
        metric.process(None, [dict(gt_label=torch.tensor([0]))])
    metric.process(None, [dict(pred_score=torch.tensor([0.6, 0.4]),
                               gt_label=torch.tensor([0]))])
    with pytest.raises(ValueError, match='0 OOD samples'):
        metric.compute_metrics(metric.results)
