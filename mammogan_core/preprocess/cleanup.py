"""The seed's clean-up rule: patches with fewer than 30 unique grey levels are discarded (flat
background, saturated labels, padding). The seed applies it to normal-tissue patches only
(`GREY_LEVEL_RULES` "normal"); "both" applies it to lesion patches too."""

from __future__ import annotations

import numpy as np

MIN_GREY_LEVELS = 30
GREY_LEVEL_RULES = ("normal", "both")


def grey_levels(patches: np.ndarray) -> np.ndarray:
    """Number of distinct uint8 values of each patch (N x H x W -> N), one bincount for all."""
    n = len(patches)
    if n == 0:
        return np.zeros(0, np.int64)
    flat = patches.reshape(n, -1).astype(np.int64) + (np.arange(n, dtype=np.int64) * 256)[:, None]
    counts = np.bincount(flat.ravel(), minlength=256 * n).reshape(n, 256)
    return (counts > 0).sum(axis=1)


def keep_mask(patches: np.ndarray, min_levels: int = MIN_GREY_LEVELS) -> np.ndarray:
    """True for the patches that pass the rule. Exact, but cheap for textured patches: a
    patch whose every 7th pixel already shows `min_levels` levels needs no full count."""
    n = len(patches)
    if n == 0:
        return np.zeros(0, bool)
    keep = grey_levels(patches.reshape(n, -1)[:, ::7].reshape(n, 1, -1)) >= min_levels
    unsure = np.flatnonzero(~keep)
    keep[unsure] = grey_levels(patches[unsure]) >= min_levels
    return keep
