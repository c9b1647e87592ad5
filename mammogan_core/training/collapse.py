"""Has the generator collapsed, or does it paint a grid? A check on its fixed-noise samples.

Three symptoms, in grey levels (0-255) of the generated 128 x 128 images:
- near-constant images: the median per-image pixel standard deviation is below STD_FLOOR
  (a collapsed `tiny` run gave 0.6; real lesion patches and healthy samples give tens);
- near-identical samples: the mean RMS difference between two samples is below
  DIVERSITY_FLOOR (every noise vector gives the same picture);
- a checkerboard: stride-2 transposed convolutions stamp periods of 2, 4, 8 ... pixels
  (Odena et al. 2016). In the samples' mean power spectrum (Hann-windowed, each image's mean
  removed) those periods are peaks at the frequencies k / 8 cycles per pixel: the power there
  against the power of their neighbours (2 to 3 bins away, beyond the window's main lobe) is
  about 1 for natural texture, whose spectrum is smooth, and far above it for a grid.
"""

from __future__ import annotations

import torch

STD_FLOOR = 2.0
DIVERSITY_FLOOR = 2.0
PERIODIC_CEILING = 4.0  # peak-to-neighbour power ratio at the stride-periodic frequencies
CHECKERBOARD = "a checkerboard (grid) texture"  # how a reason of the third kind starts
PERIODS = 8  # the grid of a stride-2 stack up to 3 layers deep: frequencies k/8 per pixel


def collapse_reason(samples: torch.Tensor) -> str | None:
    """Why `samples` (N x 1 x H x W in [-1, 1], N >= 2) look collapsed, or None if they don't."""
    grey = samples.detach().float().flatten(1).add(1.0).mul(127.5)
    std = float(grey.std(dim=1).median())
    if std < STD_FLOOR:
        return f"near-constant images (median pixel std {std:.2g} grey levels, floor {STD_FLOOR:g})"
    n, pixels = grey.shape
    # exact distances: the matrix-product shortcut loses near-zero ones to rounding
    dist = torch.cdist(grey, grey, compute_mode="donot_use_mm_for_euclid_dist") / pixels**0.5
    spread = float(dist.sum() / (n * (n - 1)))  # the zero diagonal left out of the mean
    if spread < DIVERSITY_FLOOR:
        return (
            f"near-identical samples (mean RMS difference {spread:.2g} grey levels, "
            f"floor {DIVERSITY_FLOOR:g})"
        )
    ratio = periodic_ratio(samples)
    if ratio > PERIODIC_CEILING:
        return (
            f"{CHECKERBOARD}: power at the stride-periodic frequencies "
            f"{ratio:.3g} times their neighbours' (ceiling {PERIODIC_CEILING:g}); the "
            "small-data preset's resize upsampling (--upsample resize) avoids it"
        )
    return None


def periodic_ratio(samples: torch.Tensor) -> float:
    """Mean power at the frequencies (u, v) = multiples of side/PERIODS (the DC term left out)
    over the mean power 2 to 3 bins around them, in the samples' mean spectrum."""
    x = samples.detach().float()[:, 0]
    h, w = x.shape[-2:]
    x = x - x.mean(dim=(-2, -1), keepdim=True)
    window = torch.outer(torch.hann_window(h, periodic=False), torch.hann_window(w, periodic=False))
    power = torch.fft.fft2(x * window).abs().square().mean(0)
    peaks = torch.zeros(h, w, dtype=torch.bool)
    peaks[:: max(1, h // PERIODS), :: max(1, w // PERIODS)] = True
    peaks[0, 0] = False
    # the ring 2 to 3 bins around each peak (wrapping: the spectrum is periodic)
    ring = torch.zeros(h, w, dtype=torch.bool)
    for dy in range(-3, 4):
        for dx in range(-3, 4):
            if max(abs(dy), abs(dx)) >= 2:
                ring |= peaks.roll((dy, dx), dims=(0, 1))
    ring &= ~peaks
    ring[0, 0] = False
    return float(power[peaks].mean() / power[ring].mean().clamp(min=1e-12))
