from .calibration import CalibrationError, calibration_errors
from .embedding import (
                        AlignmentUniformity,
                        RecordEmbeddingHook,
                        alignment,
                        uniformity,
)
from .ood import OODDetection, ood_detection_metrics
from .robustness import fgsm, input_bounds, pgd, robust_error

__all__ = [
    'CalibrationError', 'calibration_errors', 'AlignmentUniformity',
    'RecordEmbeddingHook', 'alignment', 'uniformity', 'OODDetection',
    'ood_detection_metrics', 'fgsm', 'pgd', 'input_bounds', 'robust_error'
]
