"""The learnable Mixer of SAMix (§3.3, eq. (9)) and of AutoMix.

SAMix: S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 (sections and equations numbered as
in that first arXiv version; later versions are revised).
AutoMix: Z. Liu, S. Li, D. Wu, Z. Liu, Z. Chen, L. Wu, S. Z. Li, "AutoMix:
Unveiling the Power of Mixup for Stronger Classifiers", ECCV 2022,
https://arxiv.org/abs/2103.13027.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mixtoolbox.models.utils import check_choice, check_int, check_real
from mixtoolbox.registry import MODELS

_CHOICES = dict(attention=('mixing', 'cross'),
                lam_encoding=('adaptive', 'concat'),
                lam_position=('after_norm', 'input'),
                content=('nonlinear', 'linear'),
                upsample=('bilinear', 'nearest'))


def _lam_column(lam, n: int, ref: Tensor) -> Tensor:
    """λ as a ``[N, 1, 1, 1]`` tensor on ``ref``'s device, checked to lie in
    [0, 1]."""
    lam = torch.as_tensor(lam, dtype=torch.float32, device=ref.device)
    if lam.dim() == 0:
        lam = lam.expand(n)
    if lam.shape != (n, ) or not bool(((lam >= 0) & (lam <= 1)).all()):
        raise ValueError('Mixer: `lam` must be a number or an [N] tensor with '
                         f'values in [0, 1] (N = {n}), got {lam}')
    return lam.view(n, 1, 1, 1)


def adjust_mask(mask: Tensor, lam: Union[float, Tensor]) -> Tensor:
    """λ adjusting (SAMix §3.3): rescale each mask to mean exactly λ.

    The paper writes ŝ_i = (μ_i/λ) s_i for μ_i < λ, which moves the mean to
    μ_i²/λ, away from λ; we implement the stated intent with the rescaling
    that keeps values in [0, 1]: for μ_i > λ, ŝ_i = (λ/μ_i) s_i; for μ_i < λ
    the partner's share is shrunk, ŝ_j = ((1−λ)/(1−μ_i)) s_j, ŝ_i = 1 − ŝ_j.
    Each mask is compared with the λ of its own batch (``lam``).

    Args:
        mask (Tensor): ``[N, 1, H, W]`` share of sample i.
        lam (float | Tensor): the λ the mask was generated for.
    """
    lam = _lam_column(lam, mask.size(0), mask).to(mask.dtype)
    mu = mask.mean(dim=(1, 2, 3), keepdim=True)
    # the unused branch may divide by 0 (μ = 0 or 1); torch.where drops it
    shrink = mask * (lam / mu)
    grow = 1 - (1 - mask) * ((1 - lam) / (1 - mu))
    return torch.where(mu > lam, shrink, torch.where(mu < lam, grow, mask))


@MODELS.register_module()
class SAMixMixer(BaseModule):
    """Mixer ℳ_φ: a pixel mask s_i ∈ [0, 1]^{H×W} from feature maps z^l.

    Implements SAMix eq. (9):

        z_{i,λ} = (1 + γλ) z_i,   z_{j,1−λ} = (1 + γ(1−λ)) z_j,
        z̃ = concat(z_{i,λ}, z_{j,1−λ}),
        s_i = U(σ(softmax((W_P z̃)ᵀ (W_P z̃) / √d) ⊗ C_NC(z_{i,λ})))

    with the normalisation 𝒩(z̃) = √d (d the channels of W_P z̃, scaled
    dot-product; the paper only says "a normalization factor"), a single
    W_P as written in eq. (9), C_NC = 1×1 conv → BN → ReLU → Dropout →
    1×1 conv, and U an upsampling to the image size. The mixed image is
    ``s_i ⊙ x_i + (1 − s_i) ⊙ x_j`` with ``x_j = x[index]``.

    The AutoMix Mixer is selected with ``attention='cross'`` (W_P z_{i,λ}
    against W_P z_{j,1−λ}), ``lam_encoding='concat'`` (λ and 1−λ appended as
    a constant channel), ``content='linear'`` (C = one 1×1 conv) and
    ``upsample='nearest'``.

    **Where λ enters C_NC** (``lam_position``). Eq. (9) scales z_i by
    (1 + γλ) before C_NC, whose first layers are 1×1 conv → BatchNorm. One
    λ is shared by the batch (SAMix samples λ per step), and in training mode
    BatchNorm divides out any batch-shared scaling of its input exactly, so
    the literal placement (``'input'``, also the authors' code with
    ``lam_mul``/``lam_residual``) lets λ reach the mask only through the
    attention temperature: measured, the mean mask stays near 0.5 for every
    λ (``tools/selfsup/mixer_lambda.py``; docs/methods/samix.md). Per-sample
    λ would survive the normalisation but not the batch-shared λ the
    Mixer is run with. The default (``'after_norm'``) applies the same
    (1 + γλ) to the *normalised* hidden features of C_NC (after its
    BatchNorm, before the ReLU), where nothing cancels it; W_P still sees
    z_{i,λ}, z_{j,1−λ} as written. With ``content='linear'`` (no
    normalisation) both placements are the same.

    Args:
        in_channels (int): channels of z^l (256 for layer3 of ResNet-18).
        reduction (int): W_P maps to ``in_channels // reduction`` channels.
            Defaults to 2 (AutoMix/SAMix code).
        attention (str): ``'mixing'`` (SAMix, default) or ``'cross'``.
        lam_encoding (str): ``'adaptive'`` (SAMix, default) or ``'concat'``.
        lam_position (str): ``'after_norm'`` (default, see above) or
            ``'input'`` (eq. 9 literally).
        learnable_gamma (bool): False (default) fixes γ = 1, the value of
            the published SAMix code (``lam_mul``); True makes γ the
            learnable scalar of §3.3, initialised to 0 and projected onto
            [0, 1] before every use (projected gradient descent). Measured
            (``tools/selfsup/mixer_lambda.py``, 300 SGD steps on the mask
            loss): from γ = 0 the gradient on γ is too small to matter (γ
            ends within 0.002 of 0) and the mask ignores λ (mean 0.51-0.53
            for every λ), while γ = 1 with ``'after_norm'`` gives mean masks
            0.30 / 0.52 / 0.78 for λ = 0.2 / 0.5 / 0.8 (docs/methods/samix.md).
        content (str): ``'nonlinear'`` (C_NC, default) or ``'linear'``.
        content_channels (int, optional): hidden width of C_NC. Defaults to
            ``in_channels // 2`` (128 for 256, the published SAMix value).
        dropout (float): dropout ratio inside C_NC. Defaults to 0.1 (§3.3).
        upsample (str): ``'bilinear'`` (SAMix, App. A.1.2) or ``'nearest'``.
        mask_loss_weight (float): β of the mask loss. Defaults to 0.1 (§3.3,
            A.1.2); an ``AnnealingHook`` decays it linearly to 0.
        mask_margin (float): ε of ℓ_mean. Defaults to 0.1 (§3.3).
        var_weight (float): weight of ℓ_var in the mask loss. Defaults to −1:
            §3.3 introduces ℓ_var "to encourage the sparsity of learned
            masks", which means *rewarding* spread (minimising Σ(μ−s)² would
            drive the mask to the constant the paper calls a trivial
            solution), and the published code subtracts it too; +1 gives the
            literal β(ℓ_mean + ℓ_var), 0 is AutoMix's mean-only loss.
        init_cfg (dict, optional): mmengine initialisation config.

    Example:
        >>> import torch
        >>> mixer = SAMixMixer(in_channels=16).eval()
        >>> feats = torch.rand(4, 16, 8, 8)
        >>> s = mixer(feats, lam=0.3, index=torch.tensor([1, 0, 3, 2]),
        ...           size=(32, 32))
        >>> s.shape, bool(((s >= 0) & (s <= 1)).all())
        (torch.Size([4, 1, 32, 32]), True)
    """

    def __init__(self, in_channels: int, reduction: int = 2,
                 attention: str = 'mixing', lam_encoding: str = 'adaptive',
                 lam_position: str = 'after_norm',
                 learnable_gamma: bool = False, content: str = 'nonlinear',
                 content_channels: Optional[int] = None, dropout: float = 0.1,
                 upsample: str = 'bilinear', mask_loss_weight: float = 0.1,
                 mask_margin: float = 0.1, var_weight: float = -1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        owner = 'SAMixMixer'
        check_int(owner, 'in_channels', in_channels)
        check_int(owner, 'reduction', reduction)
        if content_channels is not None:
            check_int(owner, 'content_channels', content_channels)
        chosen = dict(attention=attention, lam_encoding=lam_encoding,
                      lam_position=lam_position, content=content,
                      upsample=upsample)
        for name, choices in _CHOICES.items():
            check_choice(owner, name, chosen[name], choices)
        check_real(owner, 'dropout', dropout, 0, 1, high_open=True)
        self.attention, self.lam_encoding = attention, lam_encoding
        self.lam_position = lam_position
        self.upsample = upsample
        self.mask_loss_weight = check_real(owner, 'mask_loss_weight',
                                           mask_loss_weight, 0)
        self.mask_margin = check_real(owner, 'mask_margin', mask_margin, 0)
        self.var_weight = check_real(owner, 'var_weight', var_weight)
        if learnable_gamma:
            self.gamma = nn.Parameter(torch.zeros(()))
        else:
            self.register_buffer('gamma', torch.ones(()))
        channels = in_channels + (lam_encoding == 'concat')
        qk_in = 2 * channels if attention == 'mixing' else channels
        self.attn_channels = max(in_channels // reduction, 1)
        self.proj = nn.Conv2d(qk_in, self.attn_channels, 1)
        if content == 'linear':
            self.content = nn.Conv2d(channels, 1, 1)
        else:
            hidden = content_channels or max(in_channels // 2, 1)
            self.content = nn.Sequential(
                nn.Conv2d(channels, hidden, 1), nn.BatchNorm2d(hidden),
                nn.ReLU(inplace=True), nn.Dropout(dropout),
                nn.Conv2d(hidden, 1, 1))

    def _gamma(self, dtype) -> Tensor:
        if isinstance(self.gamma, nn.Parameter):
            # projected gradient: the constraint γ ∈ [0, 1] of §3.3
            with torch.no_grad():
                self.gamma.clamp_(0.0, 1.0)
        return self.gamma.to(dtype)

    def encode(self, feats: Tensor, lam: Tensor,
               index: Tensor) -> Tuple[Tensor, Tensor]:
        """λ-encoded pair ``(z_{i,λ}, z_{j,1−λ})``."""
        z_i, z_j = feats, feats[index]
        if self.lam_encoding == 'concat':
            n, _, h, w = feats.shape
            lam_map = lam.to(feats.dtype).expand(n, 1, h, w)
            return (torch.cat([z_i, lam_map], 1),
                    torch.cat([z_j, 1 - lam_map], 1))
        gamma, lam = self._gamma(feats.dtype), lam.to(feats.dtype)
        return z_i * (1 + gamma * lam), z_j * (1 + gamma * (1 - lam))

    def scale_after_norm(self) -> bool:
        return (self.lam_position == 'after_norm' and
                self.lam_encoding == 'adaptive' and
                isinstance(self.content, nn.Sequential))

    def content_logits(self, feats: Tensor, z_i: Tensor,
                       lam: Tensor) -> Tensor:
        """C(z_{i,λ}) ``[N, 1, h, w]``; with ``'after_norm'`` the (1 + γλ)
        multiplies C_NC's normalised hidden features instead."""
        if not self.scale_after_norm():
            return self.content(z_i)
        conv, norm, *rest = self.content
        hidden = norm(conv(feats))
        hidden = hidden * (1 + self._gamma(hidden.dtype) * lam.to(
            hidden.dtype))
        for layer in rest:
            hidden = layer(hidden)
        return hidden

    def forward(self, feats: Tensor, lam: Union[float, Tensor], index: Tensor,
                size: Sequence[int]) -> Tensor:
        """Mask ``[N, 1, *size]`` (share of sample i) for pairs
        ``(i, index[i])`` mixed with ratio ``lam`` (a number or ``[N]``)."""
        if not isinstance(feats, Tensor) or feats.dim() != 4:
            raise ValueError('SAMixMixer: `feats` must be a 4-D tensor '
                             '[N, C, h, w] (a stage output of the momentum '
                             f'encoder), got {getattr(feats, "shape", feats)}')
        n, _, h, w = feats.shape
        lam = _lam_column(lam, n, feats)
        z_i, z_j = self.encode(feats, lam, index)
        if self.attention == 'mixing':
            query = key = self.proj(torch.cat([z_i, z_j], 1)).flatten(2)
        else:
            query, key = self.proj(z_i).flatten(2), self.proj(z_j).flatten(2)
        # the softmax over h·w positions is kept in float32 (bf16 autocast)
        scores = query.float().transpose(1, 2) @ key.float()
        attn = (scores / math.sqrt(self.attn_channels)).softmax(dim=-1)
        content = self.content_logits(feats, z_i, lam).float().flatten(
            2).transpose(1, 2)
        mask = torch.sigmoid(attn @ content).view(n, 1, h, w)
        if (h, w) == tuple(size):
            return mask
        if self.upsample == 'nearest':
            return F.interpolate(mask, size=tuple(size), mode='nearest')
        return F.interpolate(mask, size=tuple(size), mode='bilinear',
                             align_corners=False)

    def mask_loss(self, mask: Tensor, lam: Union[float, Tensor]) -> Tensor:
        """β (ℓ_mean + w_var ℓ_var) of §3.3, averaged over the batch:
        ℓ_mean = max(|λ − μ_i| − ε, 0), ℓ_var = (1/HW) Σ (μ_i − s)²
        (β applied once; the paper's ℓ_mean repeats it by a typo)."""
        lam = _lam_column(lam, mask.size(0), mask).flatten()
        mask = mask.float().flatten(1)
        mu = mask.mean(dim=1)
        l_mean = ((lam - mu).abs() - self.mask_margin).clamp(min=0)
        l_var = (mask - mu[:, None]).pow(2).mean(dim=1)
        loss = (l_mean + self.var_weight * l_var).mean()
        return self.mask_loss_weight * loss
