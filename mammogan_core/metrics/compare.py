"""Every metric between a real and a synthetic set of patches, and the same figures between two
halves of the real set: the floor that a perfect generator would reach with this many samples.

Weights-free (always): KID, precision/recall and diversity on the random-conv features
(standardised with the real set's statistics), FRD on the radiomic features. With an Inception
weights file: FID, and KID and precision/recall on Inception features too (`inception_*`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .diversity import diversity
from .frechet import fit_gaussian, frechet_distance
from .kid import kid
from .precision_recall import precision_recall
from .radiomics import frd, standardise


@dataclass
class SetFeatures:
    """The features of one set of patches, one array per feature space (rows aligned)."""

    random: np.ndarray
    radiomic: np.ndarray
    inception: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> SetFeatures:
        return SetFeatures(
            self.random[rows],
            self.radiomic[rows],
            None if self.inception is None else self.inception[rows],
        )

    def __len__(self) -> int:
        return len(self.random)


def figures(real: SetFeatures, fake: SetFeatures, seed: int = 0) -> dict[str, float | None]:
    real_std, fake_std = standardise(real.random, fake.random)
    kid_mean, kid_std = kid(real_std, fake_std, seed=seed)
    precision, recall = precision_recall(real_std, fake_std)
    out: dict[str, float | None] = {
        "fid": None,
        "kid_mean": kid_mean,
        "kid_std": kid_std,
        "precision": precision,
        "recall": recall,
        "frd": frd(real.radiomic, fake.radiomic),
        "diversity": diversity(real_std, fake_std),
    }
    if real.inception is not None and fake.inception is not None:
        out["fid"] = frechet_distance(fit_gaussian(real.inception), fit_gaussian(fake.inception))
        out["inception_kid_mean"], out["inception_kid_std"] = kid(
            real.inception, fake.inception, seed=seed
        )
        out["inception_precision"], out["inception_recall"] = precision_recall(
            real.inception, fake.inception
        )
    return out


def real_halves(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2 :])


def floor(real: SetFeatures, seed: int = 0) -> dict[str, float | None]:
    """The figures between two random halves of the real set."""
    a, b = real_halves(len(real), seed)
    return figures(real.take(a), real.take(b), seed)
