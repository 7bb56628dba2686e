"""Out-of-distribution detection from the max-softmax confidence.

S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis, "Embedding Space
Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples", NeurIPS
2023, https://arxiv.org/abs/2311.05538, App. A.3 / Table 10 (and their
earlier "Teach me how to Interpolate a Myriad of Embeddings",
https://arxiv.org/abs/2206.14868, App. A.3 / Table 8) report detection
accuracy, AUROC, AUPR (ID) and AUPR (OOD) of a CIFAR-100 R-18 against LSUN,
iSUN and TinyImageNet crops, following AlignMixup (Venkataramanan et al.,
CVPR 2022); the papers name the metrics but define none of them. The score is
the confidence of the predicted class (Hendrycks & Gimpel, "A Baseline for
Detecting Misclassified and Out-of-Distribution Examples", ICLR 2017), and
the metrics are the standard ones of that line of work (Liang et al.,
"Enhancing the Reliability of Out-of-Distribution Image Detection in Neural
Networks" (ODIN), ICLR 2018):

- detection accuracy = max over thresholds δ of 0.5·TPR(δ) + 0.5·TNR(δ),
  i.e. 1 − min_δ [0.5 P_ID(s < δ) + 0.5 P_OOD(s ≥ δ)], ID counted positive;
- AUROC: area under the ROC curve, ID positive;
- AUPR (ID): average precision with ID positive and score s;
- AUPR (OOD): average precision with OOD positive and score −s.

Curves come from scikit-learn (``roc_curve``, ``roc_auc_score``,
``average_precision_score``, the step-wise AP without interpolation).
"""
from typing import Any, List, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mixtoolbox.registry import METRICS


def ood_detection_metrics(id_scores: Union[np.ndarray, Sequence[float]],
                          ood_scores: Union[np.ndarray, Sequence[float]]
                          ) -> dict:
    """Detection accuracy, AUROC, AUPR (ID), AUPR (OOD) as fractions.

    Args:
        id_scores: confidences of in-distribution samples (higher = more ID).
        ood_scores: confidences of out-of-distribution samples.

    Example:
        >>> out = ood_detection_metrics([0.9, 0.6], [0.7, 0.2])
        >>> out['det_acc'], out['auroc']
        (0.75, 0.75)
    """
    from sklearn.metrics import (
        average_precision_score,
        roc_auc_score,
        roc_curve,
    )
    id_s = np.asarray(id_scores, dtype=np.float64).ravel()
    ood_s = np.asarray(ood_scores, dtype=np.float64).ravel()
    if id_s.size == 0 or ood_s.size == 0:
        raise ValueError('ood_detection_metrics: needs at least one ID and '
                         f'one OOD score, got {id_s.size} ID and {ood_s.size}'
                         ' OOD')
    if not (np.isfinite(id_s).all() and np.isfinite(ood_s).all()):
        raise ValueError('ood_detection_metrics: scores must be finite')
    is_id = np.concatenate([np.ones(id_s.size), np.zeros(ood_s.size)])
    score = np.concatenate([id_s, ood_s])
    # every threshold is kept: the best 0.5·TPR + 0.5·TNR sits on a corner
    # of the ROC curve, and no corner may be dropped.
    fpr, tpr, _ = roc_curve(is_id, score, drop_intermediate=False)
    return dict(
        det_acc=float(np.max(0.5 * tpr + 0.5 * (1.0 - fpr))),
        auroc=float(roc_auc_score(is_id, score)),
        aupr_in=float(average_precision_score(is_id, score)),
        aupr_out=float(average_precision_score(1 - is_id, -score)))


@METRICS.register_module()
class OODDetection(BaseMetric):
    """OOD detection metrics, in percent (as in Venkataramanan et al.,
    NeurIPS 2023, arXiv:2311.05538, App. Table 10), from the
    max-softmax confidence ``pred_score.max()`` of each data sample.

    A data sample without ``gt_label`` is out-of-distribution; one with a
    label is in-distribution. So a test set made of the ID test split and an
    unlabelled image folder (mmpretrain ``CustomDataset(with_label=False)``,
    combined with mmengine's ``ConcatDataset(ignore_keys=['classes'])``)
    works from a config; ``tools/analysis/eval_ood.py`` runs the two sets
    one after the other instead. Keys: ``ood/det_acc``, ``ood/auroc``,
    ``ood/aupr_in``, ``ood/aupr_out``.

    Example:
        >>> import torch
        >>> metric = OODDetection()
        >>> metric.process(None, [
        ...     dict(pred_score=torch.tensor([0.875, 0.125]),
        ...          gt_label=torch.tensor([0])),
        ...     dict(pred_score=torch.tensor([0.25, 0.75]))])
        >>> metric.compute_metrics(metric.results)['auroc']
        100.0
    """
    default_prefix = 'ood'

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'pred_score' not in sample:
                raise ValueError('OODDetection needs `pred_score` in every '
                                 "data sample (mmpretrain classifiers' "
                                 '`predict` sets it)')
            conf = sample['pred_score'].detach().float().max().item()
            self.results.append((conf, 'gt_label' in sample))

    def compute_metrics(self, results: List) -> dict:
        id_scores = [c for c, is_id in results if is_id]
        ood_scores = [c for c, is_id in results if not is_id]
        if not id_scores or not ood_scores:
            raise ValueError(
                f'OODDetection: got {len(id_scores)} ID samples (with '
                f'gt_label) and {len(ood_scores)} OOD samples (without); '
                'both sets must be non-empty')
        metrics = ood_detection_metrics(id_scores, ood_scores)
        return {k: 100.0 * v for k, v in metrics.items()}
