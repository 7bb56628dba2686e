"""Expected calibration error and over-confidence error of max-softmax scores.

ECE: Guo et al., "On Calibration of Modern Neural Networks", ICML 2017;
defined in L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup Augmentation with
Multiple Interpolations", https://arxiv.org/abs/2406.01417, 2024, §IV-H (its
equations for acc(B_m), conf(B_m) and ECE). OE: Thulasidasan et al., "On
Mixup Training: Improved Calibration and Predictive Uncertainty for Deep
Neural Networks", NeurIPS 2019; reported with ECE for MultiMix (R-18 on
CIFAR-100) by S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis,
"Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond
Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538, App. Table 9,
which states neither formula nor bin count.
"""
from typing import Any, List, Sequence, Union

import torch
from mmengine.evaluator import BaseMetric
from torch import Tensor

from mixtoolbox.registry import METRICS


def check_num_bins(num_bins: int, owner: str) -> int:
    if isinstance(num_bins, bool) or not isinstance(num_bins, int):
        raise TypeError(f'{owner}: `num_bins` must be an int >= 1, got '
                        f'{type(num_bins).__name__}')
    if num_bins < 1:
        raise ValueError(f'{owner}: `num_bins` must be >= 1, got {num_bins}')
    return num_bins


def calibration_errors(confidences: Union[Tensor, Sequence[float]],
                       correct: Union[Tensor, Sequence[bool]],
                       num_bins: int = 15) -> dict:
    """ECE and OE (fractions in [0, 1]) from per-sample confidences.

    Samples fall into M equal-width bins I_m = ((m−1)/M, m/M] of their
    confidence p̂_i (Shen et al., arXiv:2406.01417, §IV-H; a confidence of
    exactly 0 joins the first bin). With acc(B_m) the bin's accuracy and
    conf(B_m) its mean confidence:

        ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|
        OE  = Σ_m |B_m|/n · conf(B_m) · max(conf(B_m) − acc(B_m), 0)

    Args:
        confidences: ``[n]`` max-softmax scores in [0, 1].
        correct: ``[n]`` whether the top-1 prediction is right (bool or 0/1).
        num_bins (int): M. Defaults to 15 (Guo et al.'s; Shen et al.,
            arXiv:2406.01417, use M = 10).

    Example:
        >>> out = calibration_errors([0.9, 0.4], [1, 0], num_bins=2)
        >>> round(out['ece'], 6), round(out['oe'], 6)
        (0.25, 0.08)
    """
    check_num_bins(num_bins, 'calibration_errors')
    conf = torch.as_tensor(confidences, dtype=torch.float64).flatten()
    hit = torch.as_tensor(correct).flatten().to(conf.device, torch.float64)
    if conf.numel() == 0:
        raise ValueError('calibration_errors: no samples')
    if conf.shape != hit.shape:
        raise ValueError('calibration_errors: `confidences` and `correct` '
                         f'differ in length ({conf.numel()} vs {hit.numel()})')
    if not torch.isfinite(conf).all():
        bad = (~torch.isfinite(conf)).nonzero().flatten()[:5].tolist()
        raise ValueError('calibration_errors: `confidences` must be finite, '
                         f'got NaN/inf at positions {bad}')
    if conf.min() < 0 or conf.max() > 1:
        raise ValueError('calibration_errors: `confidences` must lie in '
                         f'[0, 1], got range [{conf.min().item():g}, '
                         f'{conf.max().item():g}]')
    # bucketize(right=False) puts x in bin m when edge[m-1] < x <= edge[m],
    # i.e. bins closed on the right as in Shen et al., arXiv:2406.01417.
    inner_edges = torch.arange(1, num_bins, dtype=torch.float64,
                               device=conf.device) / num_bins
    bins = torch.bucketize(conf, inner_edges)
    size = torch.zeros(num_bins, dtype=torch.float64,
                       device=conf.device).index_add_(
        0, bins, torch.ones_like(conf))
    conf_sum = torch.zeros_like(size).index_add_(0, bins, conf)
    hit_sum = torch.zeros_like(size).index_add_(0, bins, hit)
    filled = size > 0
    size, conf_sum, hit_sum = size[filled], conf_sum[filled], hit_sum[filled]
    mean_conf, acc = conf_sum / size, hit_sum / size
    weight = size / conf.numel()
    ece = (weight * (acc - mean_conf).abs()).sum()
    oe = (weight * mean_conf * (mean_conf - acc).clamp(min=0)).sum()
    return dict(ece=ece.item(), oe=oe.item())


@METRICS.register_module()
class CalibrationError(BaseMetric):
    """ECE and OE, in percent (the unit of Venkataramanan et al., NeurIPS
    2023, arXiv:2311.05538, App. Table 9), of the
    max-softmax confidence ``pred_score.max()`` against ``gt_label``.

    Use it next to ``Accuracy`` in a test config::

        test_evaluator = [dict(type='Accuracy', topk=(1, )),
                          dict(type='CalibrationError', num_bins=15)]

    Args:
        num_bins (int): equal-width confidence bins M. Defaults to 15; set 10
            to follow Shen et al., arXiv:2406.01417, §IV-H.
        collect_device, prefix, collect_dir: as in mmengine's ``BaseMetric``.
            Keys are ``calibration/ece`` and ``calibration/oe``.

    Example:
        >>> import torch
        >>> metric = CalibrationError(num_bins=2)
        >>> metric.process(None, [
        ...     dict(pred_score=torch.tensor([0.9, 0.05, 0.05]),
        ...          gt_label=torch.tensor([0])),
        ...     dict(pred_score=torch.tensor([0.4, 0.35, 0.25]),
        ...          gt_label=torch.tensor([1]))])
        >>> {k: round(v, 4) for k, v in
        ...  metric.compute_metrics(metric.results).items()}
        {'ece': 25.0, 'oe': 8.0}
    """
    default_prefix = 'calibration'

    def __init__(self, num_bins: int = 15, collect_device: str = 'cpu',
                 prefix=None, collect_dir=None):
        super().__init__(collect_device=collect_device, prefix=prefix,
                         collect_dir=collect_dir)
        self.num_bins = check_num_bins(num_bins, 'CalibrationError')

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'pred_score' not in sample or 'gt_label' not in sample:
                raise ValueError('CalibrationError needs `pred_score` and '
                                 '`gt_label` in every data sample (as set by '
                                 "mmpretrain's classifier `predict`)")
            score = sample['pred_score'].detach().float().cpu()
            if not torch.isfinite(score).all():
                # max() of a NaN row is NaN at an arbitrary index: refuse
                # rather than count it as a prediction
                raise ValueError('CalibrationError: `pred_score` must be '
                                 f'finite, got {score.tolist()[:10]}')
            conf, pred = score.max(dim=0)
            label = int(sample['gt_label'].reshape(-1)[0])
            self.results.append((conf.item(), pred.item() == label))

    def compute_metrics(self, results: List) -> dict:
        conf, correct = zip(*results)
        errors = calibration_errors(conf, correct, self.num_bins)
        return {k: 100.0 * v for k, v in errors.items()}
