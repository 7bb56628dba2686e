"""SaliencyMix: Uddin, Monira, Shin, Chung, Bae, "SaliencyMix: A Saliency
Guided Data Augmentation Strategy for Better Regularization", ICLR 2021."""
import math
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch
from .base import BaseMixup, check_positive


def _blur_matrix(n: int, sigma: float, taps: int, device) -> Tensor:
    """``[n, n]`` B with ``v @ B`` = 1-D Gaussian blur of ``v`` (reflected
    borders). Two products with B blur a map separably; on CPU that is far
    faster than a 1-channel convolution."""
    r = torch.arange(taps, device=device, dtype=torch.float32) - taps // 2
    k = torch.exp(-r ** 2 / (2 * sigma ** 2))
    eye = torch.eye(n, device=device)[:, None]
    padded = F.pad(eye, (taps // 2, taps // 2), mode='reflect')
    return F.conv1d(padded, (k / k.sum()).view(1, 1, taps))[:, 0]


def spectral_residual_saliency(images: Tensor, size: int = 64) -> Tensor:
    """Spectral-residual saliency (Hou & Zhang, CVPR 2007), batched.

    Per image: grey level (channel mean), resized to ``size`` × ``size``;
    L = log(1 + |F|) of its spectrum F; residual R = L − (3 × 3 mean of L);
    S = |F⁻¹[exp(R + i·phase F)]|², blurred with a Gaussian (σ = 8 px,
    5 × 5 taps) and resized back. The resolution, 3 × 3 mean, σ and taps are
    those of OpenCV's ``StaticSaliencySpectralResidual`` (opencv-contrib),
    which the SaliencyMix authors call; we square before blurring, as in
    Hou & Zhang's paper. Runs in float32 with autocast off.

    Returns:
        Tensor: ``[N, H, W]`` saliency, larger = more salient.
    """
    h, w = images.shape[-2:]
    with torch.no_grad(), torch.autocast(images.device.type, enabled=False):
        grey = images.detach().float().mean(dim=1, keepdim=True)
        grey = F.interpolate(grey, size=(size, size), mode='bilinear',
                             align_corners=False)
        spec = torch.fft.fft2(grey)
        amp = spec.abs()
        log_amp = torch.log1p(amp)
        local = F.avg_pool2d(F.pad(log_amp, (1, 1, 1, 1), mode='reflect'),
                             3, stride=1)
        # exp(R)·e^{i·phase} = F · exp(R) / |F|: no angle/polar round trip.
        back = torch.fft.ifft2(
            spec * (torch.exp(log_amp - local) / amp.clamp(min=1e-12)))
        blur = _blur_matrix(size, sigma=8.0, taps=5, device=grey.device)
        sal = blur.t() @ (back.abs() ** 2) @ blur
        sal = F.interpolate(sal, size=(h, w), mode='bilinear',
                            align_corners=False)
    return sal[:, 0]


def saliency_peaks(images: Tensor, size: int = 64) -> Tensor:
    """``[N, 2]`` (row, col) of each image's saliency maximum."""
    sal = spectral_residual_saliency(images, size).flatten(1)
    flat = sal.argmax(dim=1)
    w = images.size(-1)
    return torch.stack([flat // w, flat % w], dim=1)


@BATCH_AUGMENTS.register_module()
class SaliencyMix(BaseMixup):
    """SaliencyMix: paste the most salient box of the partner image.

    λ ~ Beta(α, α). For every output i the source is x_π(i): its saliency
    peak (spectral residual, see :func:`spectral_residual_saliency`) is the
    centre of a box B_i with sides √(1−λ)·(H, W), clipped to the image.
    The patch of x_π(i) under B_i replaces the same region of x_i; the
    label weight is recomputed from the clipped area (the paper is not among
    the seeds, so the equations are written out, not numbered):

        x̃_i = M_i ⊙ x_i + (1 − M_i) ⊙ x_π(i),
        ỹ_i = λ_i y_i + (1 − λ_i) y_π(i),   λ_i = 1 − |B_i| / (HW).

    Saliency is computed per source image, so boxes (and λ_i) differ across
    the batch; the official code takes one map from the first source image
    for the whole batch.

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0 (paper's
            CIFAR setting; seed 003 App. A.1.2 uses 0.2 on CIFAR-100).
        saliency_size (int): resolution of the saliency computation.
            Defaults to 64 (OpenCV's).

    Supports :class:`MultiInterp`: the K boxes share the partner and centre.

    Example:
        >>> import torch
        >>> x, y = torch.zeros(2, 1, 8, 8), torch.eye(2)
        >>> out = SaliencyMix().mix(x, y, lam=0.75,
        ...                         index=torch.tensor([1, 0]),
        ...                         centres=torch.tensor([[4, 4], [0, 0]]))
        >>> out.lam.tolist()  # a 4x4 box inside, a clipped 2x2 box
        [0.75, 0.9375]
    """

    def __init__(self, alpha: float = 1.0, saliency_size: int = 64):
        self.alpha = check_positive('alpha', alpha, 'SaliencyMix')
        if isinstance(saliency_size, bool) or not isinstance(
                saliency_size, int) or saliency_size < 4:
            raise ValueError('SaliencyMix: `saliency_size` must be an int '
                             f'>= 4, got {saliency_size!r}')
        self.saliency_size = saliency_size

    def _centres(self, inputs: Tensor, index: Tensor) -> Tensor:
        # The peak belongs to the source x_π(i); one map per image.
        return saliency_peaks(inputs, self.saliency_size)[index]

    def sample_params(self, inputs: Tensor) -> dict:
        index = self.sample_index(inputs)
        return dict(lam=self.sample_beta(self.alpha), index=index,
                    centres=self._centres(inputs, index))

    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """Partner and box centres shared by all λ's (:class:`MultiInterp`)."""
        index = self.sample_index(inputs)
        centres = self._centres(inputs, index)
        return [dict(lam=lam, index=index, centres=centres) for lam in lams]

    def mix(self, inputs: Tensor, scores: Tensor, lam: float, index: Tensor,
            centres: Tensor) -> MixedBatch:
        n, _, h, w = inputs.shape
        if tuple(centres.shape) != (n, 2):
            raise ValueError(f'SaliencyMix: `centres` must have shape ({n}, '
                             f'2) (row, col per sample), got '
                             f'{tuple(centres.shape)}')
        cut = math.sqrt(1.0 - lam)
        half_h, half_w = int(h * cut) // 2, int(w * cut) // 2
        cy, cx = centres[:, 0:1], centres[:, 1:2]
        rows = torch.arange(h, device=inputs.device)[None]
        cols = torch.arange(w, device=inputs.device)[None]
        in_rows = (rows >= cy - half_h) & (rows < cy + half_h)
        in_cols = (cols >= cx - half_w) & (cols < cx + half_w)
        own = ~(in_rows[:, :, None] & in_cols[:, None, :])
        own = own[:, None].float()
        lam_i = own.mean(dim=(1, 2, 3))
        mixed = inputs[index].lerp_(inputs, own.to(inputs.dtype))
        target = scores[index].lerp_(scores, lam_i[:, None].to(scores.dtype))
        return MixedBatch(mixed, target, lam=lam_i, index=index, mask=own,
                          params=dict(lam=lam, index=index, centres=centres))
