"""A diversity figure: the mean distance between two random members of a set (in a feature
space), of the synthetic set divided by the real set's. About 1: as varied as the real patches;
well below 1: the generator repeats itself (mode collapse)."""

from __future__ import annotations

import numpy as np

PAIRS = 20_000


def mean_pair_distance(features: np.ndarray, pairs: int = PAIRS, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(features), pairs)
    j = (i + rng.integers(1, len(features), pairs)) % len(features)  # never a point with itself
    return float(np.linalg.norm(features[i] - features[j], axis=1).mean())


def diversity(real: np.ndarray, fake: np.ndarray) -> float:
    return mean_pair_distance(fake) / max(mean_pair_distance(real), 1e-12)
