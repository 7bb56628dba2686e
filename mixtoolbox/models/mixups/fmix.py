"""FMix: E. Harris, A. Marcu, M. Painter, M. Niranjan, A. Prügel-Bennett and
J. Hare, "FMix: Enhancing Mixed Sample Data Augmentation", arXiv preprint,
2020, https://arxiv.org/abs/2002.12047."""
import math
from typing import List, Sequence

import torch
from torch import Tensor

from mixtoolbox.models.utils import check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup, blend_by_mask


def low_freq_image(noise: Tensor, height: int, width: int,
                   decay_power: float) -> Tensor:
    """Grey-level image with a 1/f^δ amplitude spectrum (FMix).

    Args:
        noise (Tensor): ``[2, H, W // 2 + 1]`` standard normal real and
            imaginary parts of the half spectrum (``torch.fft.rfft2`` layout).
        height, width (int): size of the image (any size, not only square).
        decay_power (float): δ; larger δ keeps only lower frequencies.

    Returns:
        Tensor: ``[H, W]`` float32 image.
    """
    fy = torch.fft.fftfreq(height, device=noise.device)[:, None]
    fx = torch.fft.rfftfreq(width, device=noise.device)[None, :]
    freq = torch.sqrt(fy ** 2 + fx ** 2)
    # The DC term has f = 0; flooring it at the lowest non-zero frequency
    # keeps it finite. It only shifts the image, which the top-k ignores.
    scale = freq.clamp(min=1.0 / max(height, width)).pow(-decay_power)
    noise = noise.float()
    spectrum = torch.complex(noise[0], noise[1]) * scale
    return torch.fft.irfft2(spectrum, s=(height, width))


def top_mask(grey: Tensor, lam: float) -> Tensor:
    """Binary mask with ones on the ⌈λ·HW⌉ largest pixels of ``grey``."""
    h, w = grey.shape
    # round() first: 0.35 * 20 = 7.000000000000001 must not become 8 pixels.
    num = min(h * w, math.ceil(round(lam * h * w, 6)))
    flat = torch.zeros(h * w, device=grey.device)
    flat[torch.topk(grey.flatten(), num).indices] = 1.0
    return flat.view(1, 1, h, w)


@BATCH_AUGMENTS.register_module()
class FMix(BaseMixup):
    """FMix: mix with a binary mask thresholded from low-frequency noise.

    The equations are written out here, not numbered from the paper.

    λ ~ Beta(α, α). Complex Gaussian Fourier coefficients are scaled by
    1/f^δ and transformed back to a grey-level image g (the paper's
    "low frequency image"); the mask M has ones on the ⌈λ·HW⌉ largest
    pixels of g (its top-λ quantile), so
    λ ≤ mean(M) < λ + 1/(HW). With a partner permutation π:

        x̃_i = M ⊙ x_i + (1 − M) ⊙ x_π(i),    ỹ_i = λ' y_i + (1 − λ') y_π(i)

    with λ' = mean(M), the exact pixel share (so the label matches the
    pixels even when λ·HW is not an integer). One mask per batch, as in the
    paper; its size follows the input, any H × W.

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0 (paper's
            default; SAMix, arXiv:2111.15454 App. A.1.2, uses 0.2 on CIFAR-100,
            see the config).
        decay_power (float): δ > 0. Defaults to 3, the paper's default.

    Supports :class:`MultiInterp`: the K masks share the noise and are
    thresholded at K levels, so they are nested.

    Example:
        >>> import torch
        >>> x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
        >>> fmix = FMix()
        >>> out = fmix.mix(x, y, lam=0.3, noise=torch.randn(2, 8, 5),
        ...                index=torch.tensor([1, 0, 3, 2]))
        >>> out.mask.mean().item()  # ⌈0.3 · 64⌉ / 64
        0.3125
        >>> round(out.target[0, 0].item(), 4)
        0.3125
    """

    pairwise = True

    def __init__(self, alpha: float = 1.0, decay_power: float = 3.0):
        self.alpha = check_positive('alpha', alpha, 'FMix')
        self.decay_power = check_positive('decay_power', decay_power, 'FMix')

    def _noise(self, inputs: Tensor) -> Tensor:
        h, w = inputs.shape[-2:]
        return torch.randn(2, h, w // 2 + 1, device=inputs.device)

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(lam=self.sample_beta(self.alpha),
                    noise=self._noise(inputs),
                    index=self.sample_index(inputs))

    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """One noise image and partner for all λ's (:class:`MultiInterp`)."""
        noise, index = self._noise(inputs), self.sample_index(inputs)
        return [dict(lam=lam, noise=noise, index=index) for lam in lams]

    def mix(self, inputs: Tensor, scores: Tensor, lam: float, noise: Tensor,
            index: Tensor) -> MixedBatch:
        h, w = inputs.shape[-2:]
        if tuple(noise.shape) != (2, h, w // 2 + 1):
            raise ValueError(f'FMix: `noise` must have shape (2, {h}, '
                             f'{w // 2 + 1}) for {h}x{w} inputs, got '
                             f'{tuple(noise.shape)}')
        mask = top_mask(low_freq_image(noise, h, w, self.decay_power), lam)
        return blend_by_mask(inputs, scores, mask, index,
                             params=dict(lam=lam, noise=noise, index=index))
