"""Has the generator collapsed? A check on its fixed-noise samples.

Two symptoms, each in grey levels (0-255) of the generated 128 x 128 images:
- near-constant images: the median per-image pixel standard deviation is below STD_FLOOR
  (a collapsed `tiny` run gave 0.6; real lesion patches and healthy samples give tens);
- near-identical samples: the mean RMS difference between two samples is below
  DIVERSITY_FLOOR (every noise vector gives the same picture).
"""

from __future__ import annotations

import torch

STD_FLOOR = 2.0
DIVERSITY_FLOOR = 2.0


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
    return None
