"""SaliencyMix: A. F. M. S. Uddin, M. S. Monira, W. Shin, T. Chung and
S.-H. Bae, "SaliencyMix: A Saliency Guided Data Augmentation Strategy for
Better Regularization", ICLR 2021, https://arxiv.org/abs/2006.01791; with its
saliency detectors (fine-grained, Montabone & Soto 2010, and spectral
residual, Hou & Zhang 2007)."""
import math
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from mixtoolbox.models.utils import check_choice, check_positive
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch

from .base import BaseMixup


def _blur_matrix(n: int, sigma: float, taps: int, device) -> Tensor:
    """``[n, n]`` B with ``v @ B`` = 1-D Gaussian blur of ``v`` (reflected
    borders). Two products with B blur a map separably; on CPU that is far
    faster than a 1-channel convolution."""
    r = torch.arange(taps, device=device, dtype=torch.float32) - taps // 2
    k = torch.exp(-r ** 2 / (2 * sigma ** 2))
    eye = torch.eye(n, device=device)[:, None]
    padded = F.pad(eye, (taps // 2, taps // 2), mode='reflect')
    return F.conv1d(padded, (k / k.sum()).view(1, 1, taps))[:, 0]


def spectral_residual_saliency(images: Tensor, size: int = 64,
                               log1p: bool = False) -> Tensor:
    """Spectral-residual saliency (Hou & Zhang, "Saliency Detection: A
    Spectral Residual Approach", CVPR 2007), batched.

    Per image: grey level (channel mean), resized to ``size`` × ``size``;
    L = log |F| of its spectrum F (the paper's log amplitude; ``log1p=True``
    takes log(1 + |F|) as OpenCV's ``StaticSaliencySpectralResidual`` does);
    residual R = L − (3 × 3 mean of L); S = |F⁻¹[exp(R + i·phase F)]|²,
    blurred with a Gaussian (σ = 8 px, 5 × 5 taps) and resized back. The
    resolution, 3 × 3 mean, σ and taps are OpenCV's; we square before
    blurring, as in Hou & Zhang's paper (OpenCV blurs, then squares). Runs
    in float32 with autocast off.

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
        log_amp = torch.log1p(amp) if log1p else torch.log(
            amp.clamp(min=1e-12))
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


# OpenCV's six centre-surround half-widths (px): 3·4, 3·4·2, 3·4·4, 7·4, ...
FINE_GRAINED_SCALES = (12, 24, 48, 28, 56, 112)
# ITU-R BT.601 luma of RGB inputs, as OpenCV's BGR2GRAY (15-bit fixed point
# for 8-bit images: the weights sum to 2^15, rounded, as OpenCV 5.0 does)
_LUMA = (0.299, 0.587, 0.114)
_LUMA_Q15 = (9798, 19235, 3735)


def _grey_levels(images: Tensor, exact: bool) -> Tensor:
    """``[N, H, W]`` grey levels: 8-bit integers (int64) when ``exact``."""
    n, c = images.shape[:2]
    if c not in (1, 3):
        raise ValueError('fine_grained_saliency: `images` must have 1 (grey)'
                         f' or 3 (RGB) channels, got {c}')
    if exact and images.dtype == torch.uint8:
        x = images.long()
        if c == 1:
            return x[:, 0]
        r, g, b = x.unbind(1)
        q = _LUMA_Q15
        return (q[0] * r + q[1] * g + q[2] * b + (1 << 14)) >> 15
    x = images.detach().float()
    grey = x[:, 0] if c == 1 else torch.einsum(
        'nchw,c->nhw', x, x.new_tensor(_LUMA))
    if not exact:
        return grey
    # float input: stretched to the 8-bit range (the map is invariant to an
    # affine change of the grey levels except for OpenCV's 8-bit rounding)
    lo = grey.flatten(1).min(1)[0][:, None, None]
    hi = grey.flatten(1).max(1)[0][:, None, None]
    return ((grey - lo) * (255 / (hi - lo).clamp_min(1e-12))).round().long()


def _blur121(grey: Tensor, exact: bool) -> Tensor:
    """OpenCV's ``GaussianBlur(ksize=3, sigma=0)``: the [1 2 1]/4 kernel in
    both directions, mirrored borders (BORDER_REFLECT_101); on 8-bit images
    rounded to the nearest integer, halves up, as OpenCV's bit-exact
    fixed-point filter."""
    pad = F.pad(grey[:, None].double(), (1, 1, 1, 1), mode='reflect')[:, 0]
    rows = pad[:, :, :-2] + 2 * pad[:, :, 1:-1] + pad[:, :, 2:]
    both = rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]
    if exact:
        return torch.div(both.long() + 8, 16, rounding_mode='floor')
    return (both / 16).to(grey.dtype)


def _to_byte(x: Tensor) -> Tensor:
    """C's ``(uchar)`` of a non-negative float on x86: truncation, modulo
    256."""
    return x.long() % 256


def fine_grained_saliency(images: Tensor, exact: bool = True) -> Tensor:
    """Fine-grained static saliency, batched: Montabone & Soto, "Human
    detection using a mobile platform and novel features derived from a
    visual saliency mechanism", Image and Vision Computing 28(3):391–402,
    2010, doi:10.1016/j.imavis.2009.06.006 — the algorithm of OpenCV's
    ``saliency::StaticSaliencyFineGrained`` (opencv-contrib), which the
    SaliencyMix authors call.

    Per image, on the grey levels g (BT.601 luma of RGB inputs, the single
    channel of grey ones), smoothed twice with the 3 × 3 Gaussian:

    1. for each half-width n in :data:`FINE_GRAINED_SCALES` and pixel p,
       the surround mean m_n(p) = (Σ_box g − g_p) / (|box| − 1) over the
       box of rows y−n+1 … y+n and columns x−n+1 … x+n, clipped to the
       image (read from the integral image, as OpenCV does);
    2. centre-surround differences on(p) = Σ_n ⌊g_p − m_n(p)⌋₊ and
       off(p) = Σ_n ⌊m_n(p) − g_p⌋₊ (intensity on/off channels);
    3. each channel scaled to 0–255 by its maximum, and the map
       S = (on + off) / max(max on, max off), returned in [0, 1].

    With ``exact=True`` (default) every step rounds as OpenCV does (8-bit
    grey and blur, truncation of each difference and of each rescaled
    channel, and the 8-bit wrap-around of C's ``(uchar)`` cast where
    on + off exceeds 255), so that uint8 inputs give OpenCV's map: the
    fixtures in ``tests/fixtures/saliency`` are OpenCV's own maps. Float
    inputs (e.g. normalised images) are stretched to 0–255 per image first;
    the map does not depend on the scale of the grey levels except for that
    rounding. ``exact=False`` skips all rounding (a smooth variant, and
    on + off is not wrapped). Sides must be >= 3. A constant image has a
    zero map.

    Returns:
        Tensor: ``[N, H, W]`` float32 saliency in [0, 1].
    """
    h, w = images.shape[-2:]
    if min(h, w) < 3:
        raise ValueError('fine_grained_saliency: images must be at least '
                         f'3x3, got {h}x{w}')
    with torch.no_grad(), torch.autocast(images.device.type, enabled=False):
        grey = _grey_levels(images, exact)
        grey = _blur121(_blur121(grey, exact), exact)
        # integral image with a zero first row/column (exact in int64)
        ii = F.pad(grey.double().cumsum(1).cumsum(2), (1, 0, 1, 0))
        if exact:
            ii = ii.round().long()
        dev = images.device
        on = off = 0
        for n in FINE_GRAINED_SCALES:
            r1 = (torch.arange(h, device=dev) - n + 1).clamp(0, h)
            r2 = (torch.arange(h, device=dev) + n + 1).clamp(0, h)
            c1 = (torch.arange(w, device=dev) - n + 1).clamp(0, w)
            c2 = (torch.arange(w, device=dev) + n + 1).clamp(0, w)
            box = (ii[:, r2][:, :, c2] + ii[:, r1][:, :, c1]
                   - ii[:, r2][:, :, c1] - ii[:, r1][:, :, c2])
            count = (r2 - r1)[:, None] * (c2 - c1)[None] - 1
            if exact:  # float32 as in OpenCV (sums exact below 2^24)
                mean = (box - grey).float() / count.float()
                diff = grey.float() - mean
                on = on + _to_byte(diff.clamp_min(0))
                off = off + _to_byte((-diff).clamp_min(0))
            else:
                mean = (box - grey) / count
                on = on + (grey - mean).clamp_min(0)
                off = off + (mean - grey).clamp_min(0)
        out = _rescale(on, exact) + _rescale(off, exact)
        if exact:
            # each rescaled channel peaks at 255 (or is 0): OpenCV's division
            # by the larger peak leaves on + off, cast to 8 bits
            return _to_byte(out).float() / 255
        return (out / out.flatten(1).max(1)[0].clamp_min(1e-12)[:, None,
                                                               None]).float()


def _rescale(channel: Tensor, exact: bool) -> Tensor:
    """A channel over its maximum: ⌊255 · c / max⌋ (OpenCV, exact) or
    c / max; an all-zero channel stays zero."""
    top = channel.flatten(1).max(1)[0][:, None, None]
    if not exact:
        return channel / top.clamp_min(1e-12)
    ratio = channel.float() / top.float().clamp_min(1)
    return (255 * ratio.double()).floor().long()


def saliency_peaks(images: Tensor, size: int = 64,
                   detector: str = 'fine_grained') -> Tensor:
    """``[N, 2]`` (row, col) of each image's saliency maximum (the first
    in row-major order among ties, as NumPy's ``argmax``)."""
    if detector == 'fine_grained':
        sal = fine_grained_saliency(images)
    else:
        sal = spectral_residual_saliency(
            images, size, log1p=detector == 'spectral_residual_opencv')
    flat = sal.flatten(1).argmax(dim=1)
    w = images.size(-1)
    return torch.stack([flat // w, flat % w], dim=1)


DETECTORS = ('fine_grained', 'spectral_residual', 'spectral_residual_opencv')
BOXES = ('per_image', 'per_batch')


@BATCH_AUGMENTS.register_module()
class SaliencyMix(BaseMixup):
    """SaliencyMix: paste the most salient box of the partner image.

    λ ~ Beta(α, α). For every output i the source is x_π(i): its saliency
    peak (see :func:`fine_grained_saliency`) is the centre of a box B_i with
    sides √(1−λ)·(H, W), clipped to the image. The patch of x_π(i) under B_i
    replaces the same region of x_i; the label weight is recomputed from the
    clipped area (Uddin et al. 2021, §3.2, written out here):

        x̃_i = M_i ⊙ x_i + (1 − M_i) ⊙ x_π(i),
        ỹ_i = λ_i y_i + (1 − λ_i) y_π(i),   λ_i = 1 − |B_i| / (HW).

    Saliency detector: the authors' code (CIFAR and ImageNet) calls OpenCV's
    ``StaticSaliencyFineGrained`` (Montabone & Soto 2010), our default,
    re-implemented batched in torch and checked against OpenCV's own maps;
    spectral residual (Hou & Zhang 2007, the paper's §3.1 example) is an
    option. The authors hand OpenCV the *normalised float* tensor, for which
    its 8-bit code reads the bytes of the floats as grey levels (a map
    unrelated to the image's); we stretch each image's grey levels to 0–255
    first, which is what the detector is made for.

    Boxes: the paper (§3.2) describes one source image, its own saliency
    peak and one target, i.e. a box per pair — our default
    (``box='per_image'``, boxes and λ_i differ across the batch). The
    authors' code takes the map of the first source image only and cuts the
    same box from every image (``box='per_batch'``).

    Args:
        alpha (float): Beta concentration α > 0. Defaults to 1.0 (the
            paper's CIFAR setting; SAMix, arXiv:2111.15454 App. A.1.2, uses
            0.2 on CIFAR-100).
        detector (str): 'fine_grained' (default, the authors' code),
            'spectral_residual' (Hou & Zhang, log amplitude) or
            'spectral_residual_opencv' (OpenCV's log(1 + amplitude)).
        box (str): 'per_image' (default, the paper) or 'per_batch' (the
            authors' code).
        saliency_size (int): resolution of the spectral-residual
            computation. Defaults to 64 (OpenCV's); unused by
            'fine_grained', which works at the input resolution.

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

    pairwise = True

    def __init__(self, alpha: float = 1.0, detector: str = 'fine_grained',
                 box: str = 'per_image', saliency_size: int = 64):
        self.alpha = check_positive('alpha', alpha, 'SaliencyMix')
        check_choice('SaliencyMix', 'detector', detector, DETECTORS)
        check_choice('SaliencyMix', 'box', box, BOXES)
        if isinstance(saliency_size, bool) or not isinstance(
                saliency_size, int) or saliency_size < 4:
            raise ValueError('SaliencyMix: `saliency_size` must be an int '
                             f'>= 4, got {saliency_size!r}')
        self.detector, self.box = detector, box
        self.saliency_size = saliency_size

    def _centres(self, inputs: Tensor, index: Tensor) -> Tensor:
        # The peak belongs to the source x_π(i).
        if self.box == 'per_batch':  # the first source's map for all
            peak = saliency_peaks(inputs[index[:1]], self.saliency_size,
                                  self.detector)
            return peak.expand(len(index), 2)
        return saliency_peaks(inputs, self.saliency_size,
                              self.detector)[index]

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
