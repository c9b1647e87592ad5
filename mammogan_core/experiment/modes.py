"""What each mode trains on, for k real lesions of a fold (SEED_METHOD.md section 3):

    ORG     k real lesions + normal_ratio x k normal patches
    AugORG  ORG, with random horizontal and vertical flips each batch
    GAN     ORG + synthetic_ratio x k synthetic lesions from the fold's generator
    AugGAN  GAN, with flips

Validation and test sets are the fold's, real only, whatever the mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .folds import Fold
from .options import StudyOptions


@dataclass(frozen=True)
class TrainingSet:
    mode: str
    k: int
    lesions: tuple[int, ...]  # real lesion patch ids (the fold pool's first k)
    normals: tuple[int, ...]  # normal patch ids
    normals_wanted: int  # normal_ratio x k
    synthetic: int  # synthetic lesions (the fold's first `synthetic` samples)
    flips: bool

    @property
    def normal_shortfall(self) -> bool:
        """Fewer normals than the ratio asks (the fold's training patients have no more)."""
        return len(self.normals) < self.normals_wanted


def synthetic_count(mode: str, k: int, options: StudyOptions) -> int:
    return round(options.synthetic_ratio * k) if mode in ("GAN", "AugGAN") else 0


def training_set(mode: str, k: int, fold: Fold, options: StudyOptions) -> TrainingSet:
    wanted = math.ceil(options.normal_ratio * k)
    return TrainingSet(
        mode=mode,
        k=k,
        lesions=fold.train_lesions[:k],
        normals=fold.train_normals[:wanted],
        normals_wanted=wanted,
        synthetic=synthetic_count(mode, k, options),
        flips=mode.startswith("Aug"),
    )
