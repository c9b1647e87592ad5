"""What each mode trains on, for k real lesions of a fold (SEED_METHOD.md section 3):

    ORG            k real lesions + normal_ratio x k normal patches
    AugORG         ORG, with random horizontal and vertical flips each batch
    Oversample     ORG with the k real lesions repeated to k + synthetic_ratio x k positives
    AugOversample  Oversample, with flips
    GAN            ORG + synthetic_ratio x k synthetic lesions from the (fold, k)'s generator
    AugGAN         GAN, with flips

Oversample and GAN have the same class balance, so "GAN beats Oversample" is a claim about the
synthetic lesions, not about the share of positives. Validation and test sets are the fold's,
real only, whatever the mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .folds import Fold
from .options import GAN_MODES, StudyOptions


@dataclass(frozen=True)
class TrainingSet:
    mode: str
    k: int
    lesions: tuple[int, ...]  # real lesion patch ids (the fold pool's first k)
    normals: tuple[int, ...]  # normal patch ids
    normals_wanted: int  # normal_ratio x k
    synthetic: int  # synthetic lesions (GAN modes)
    repeats: int  # extra copies of real lesions (Oversample modes), cycling through the k
    flips: bool

    @property
    def normal_shortfall(self) -> bool:
        """Fewer normals than the ratio asks (the fold's training patients have no more)."""
        return len(self.normals) < self.normals_wanted

    @property
    def positives(self) -> int:
        return self.k + self.synthetic + self.repeats

    @property
    def negatives(self) -> int:
        return len(self.normals)


def extra_positives(k: int, options: StudyOptions) -> int:
    """The lesions the GAN and Oversample modes add to the k real ones."""
    return round(options.synthetic_ratio * k)


def synthetic_count(mode: str, k: int, options: StudyOptions) -> int:
    return extra_positives(k, options) if mode in GAN_MODES else 0


def training_set(mode: str, k: int, fold: Fold, options: StudyOptions) -> TrainingSet:
    wanted = math.ceil(options.normal_ratio * k)
    return TrainingSet(
        mode=mode,
        k=k,
        lesions=fold.train_lesions[:k],
        normals=fold.train_normals[:wanted],
        normals_wanted=wanted,
        synthetic=synthetic_count(mode, k, options),
        repeats=extra_positives(k, options) if mode.endswith("Oversample") else 0,
        flips=mode.startswith("Aug"),
    )
