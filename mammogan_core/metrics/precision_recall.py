"""Improved precision and recall (Kynkäänniemi et al., NeurIPS 2019): each set's manifold is the
union of balls around its points reaching their k-th nearest neighbour in the same set.
Precision: the share of synthetic points inside the real manifold (realism); recall: the share
of real points inside the synthetic manifold (coverage of the real variety)."""

from __future__ import annotations

import numpy as np

from .nearest import knn, within_any_ball

K = 3


def kth_radii(points: np.ndarray, k: int = K) -> np.ndarray:
    dist, _ = knn(points, points, k=k, exclude=np.arange(len(points)))
    return dist[:, -1]


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = K) -> tuple[float, float]:
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"precision/recall needs more than k={k} samples in each set")
    precision = within_any_ball(fake, real, kth_radii(real, k)).mean()
    recall = within_any_ball(real, fake, kth_radii(fake, k)).mean()
    return float(precision), float(recall)
