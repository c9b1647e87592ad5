"""Kernel Inception Distance (Bińkowski et al., 2018): the unbiased estimate of the squared MMD
with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over random subsets (mean and
standard deviation reported, as torch-fidelity does). Unbiased: two samples of one distribution
give values spread around 0 (negative ones included), whatever the sample size.
"""

from __future__ import annotations

import numpy as np
import torch

SUBSETS = 100
SUBSET_SIZE = 1000


def _kernel(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x: torch.Tensor, y: torch.Tensor) -> float:
    """Kernel values in float32 (matrix products on all cores), sums in float64."""
    m, n = len(x), len(y)
    kxx, kyy, kxy = (_kernel(a, b).double() for a, b in ((x, x), (y, y), (x, y)))
    return float(
        (kxx.sum() - kxx.trace()) / (m * (m - 1))
        + (kyy.sum() - kyy.trace()) / (n * (n - 1))
        - 2 * kxy.mean()
    )


def kid(
    real: np.ndarray,
    fake: np.ndarray,
    subsets: int = SUBSETS,
    subset_size: int = SUBSET_SIZE,
    seed: int = 0,
) -> tuple[float, float]:
    """(mean, std) of the unbiased MMD² over `subsets` subsets of min(subset_size, n) points."""
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise ValueError("KID needs at least 2 samples in each set")
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(np.ascontiguousarray(real, np.float32))
    y = torch.from_numpy(np.ascontiguousarray(fake, np.float32))
    values = [
        mmd2_unbiased(
            x[torch.from_numpy(rng.choice(len(x), size, replace=False))],
            y[torch.from_numpy(rng.choice(len(y), size, replace=False))],
        )
        for _ in range(subsets)
    ]
    return float(np.mean(values)), float(np.std(values))
