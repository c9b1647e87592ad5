"""The settings of an augmentation study (`mammogan experiment` and the Experiment panel),
declared once. Defaults are the seed's (SEED_METHOD.md section 3) where the seed is clear:
masses only, 10 normals per real lesion, 1.5 synthetic lesions per real lesion, its classifier;
each such help text ends with "(the seed's ...)". The rest is ours: the Oversample controls,
the step budget, classifier seeds, selection on validation AP and the validation threshold.

No torch here: the GUI builds these before torch is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..annotations.schema import FINDING_TYPES
from ..errors import InputError
from ..settings import ALL, DEFAULT, check, from_dict, setting, to_dict
from ..training import PRESETS
from ..training.config import device_setting

MODES = ("ORG", "AugORG", "Oversample", "AugOversample", "GAN", "AugGAN")
GAN_MODES = ("GAN", "AugGAN")
MODE_NOTES = {
    "ORG": "k real lesions and the normal patches",
    "AugORG": "ORG with random horizontal and vertical flips",
    "Oversample": "ORG with its k real lesions repeated to the GAN modes' lesion count (the "
    "control: what GAN gains over it is not just class balance)",
    "AugOversample": "Oversample with flips",
    "GAN": "ORG plus synthetic lesions from the (fold, k)'s generator, trained on those k "
    "lesions only",
    "AugGAN": "GAN with random horizontal and vertical flips",
}
# The seed's classifier (its discriminator at ndf 9, about 0.36 M parameters) and a narrow one
# for tests; their recipes are in classifier.py.
CLASSIFIER_PRESETS = {
    "alyafi2020": "the seed's network and optimiser: the discriminator at ndf 9 with logits, Adam "
    "(weight decay 5e-4), StepLR 0.95 per epoch-equivalent, batches of 64, checked every 10 "
    "steps (ours: the best validation AP is kept, not F1 at 0.5)",
    "tiny": "for tests only: ndf 2, batches of 16",
}

_STUDY, _CLASSIFIER, _GENERATOR = "Study", "Classifier", "Generator"


@dataclass(frozen=True)
class StudyOptions:
    k: tuple[int, ...] = setting(
        (10, 25, 50),
        label="Real lesions k",
        help="the numbers of real training lesions to compare (the plot's x-axis); each must "
        "fit in every fold's training lesions; every k gets its own generator",
        lo=1,
        spaced=True,
        group=_STUDY,
    )
    folds: int = setting(
        3,
        label="Folds",
        help="patient-level cross-validation folds (each fold's patients are its test set once)",
        lo=2,
        hi=20,
        group=_STUDY,
    )
    modes: tuple[str, ...] = setting(
        MODES,
        label="Modes",
        help=" ".join(f"{m}: {note}." for m, note in MODE_NOTES.items()),
        choices=MODES,
        spaced=True,
        group=_STUDY,
    )
    synthetic_ratio: float = setting(
        1.5,
        label="Synthetic per real lesion",
        help="synthetic lesions added in the GAN modes, per real training lesion; the "
        "Oversample modes repeat real lesions to the same count (the seed's 1.5)",
        lo=0,
        lo_open=True,
        hi=100,
        group=_STUDY,
    )
    normal_ratio: float = setting(
        10.0,
        label="Normals per real lesion",
        help="normal patches per real lesion in every set (the seed's 1:10 imbalance); fewer "
        "are used, with a warning, where a fold's patients have fewer",
        lo=0,
        lo_open=True,
        hi=1000,
        group=_STUDY,
    )
    lesion_types: tuple[str, ...] | None = setting(
        ("mass",),
        label="Lesion types",
        help="the lesion class, for the classifiers and the generators alike: these lesion "
        "types only (all: every lesion) (the seed's masses)",
        choices=FINDING_TYPES,
        none=ALL,
        group=_STUDY,
    )
    val_fraction: float = setting(
        0.2,
        label="Validation share",
        help="share of each fold's non-test patients held out for validation (model selection)",
        lo=0,
        lo_open=True,
        hi=0.5,
        group=_STUDY,
        advanced=True,
    )
    seed: int = setting(
        0,
        label="Random seed",
        help="seeds the folds, the lesions drawn for each k, the classifiers and the generators",
        lo=0,
        hi=2**31 - 1,
        group=_STUDY,
    )
    seeds: int = setting(
        3,
        label="Classifier seeds",
        help="classifiers per (fold, k, mode), each from its own seed (the same seeds in every "
        "mode, so modes are paired); results are summarised over folds and seeds",
        lo=1,
        hi=100,
        group=_STUDY,
    )
    classifier_preset: str = setting(
        "alyafi2020",
        label="Classifier",
        help=" ".join(f"{name}: {note}." for name, note in CLASSIFIER_PRESETS.items()),
        choices=tuple(CLASSIFIER_PRESETS),
        group=_CLASSIFIER,
    )
    classifier_steps: int = setting(
        200,
        label="Classifier steps",
        help="optimiser updates of every classifier, the same in every mode of a cell (epochs "
        "over training sets of different sizes would give the larger sets more updates)",
        lo=1,
        hi=1_000_000,
        group=_CLASSIFIER,
    )
    gan_preset: str = setting(
        "alyafi2020",
        label="GAN preset",
        help="the network and optimiser of each (fold, k)'s generator (the seed's "
        "alyafi2020); the study's lesion types apply, not the preset's",
        choices=tuple(PRESETS),
        group=_GENERATOR,
    )
    gan_steps: int = setting(
        500,
        label="GAN steps",
        help="optimiser steps of each (fold, k)'s generator, trained on that cell's k lesions "
        "(the seed trained about 1,000 epochs; fewer keep a CPU study short)",
        lo=1,
        hi=10_000_000,
        group=_GENERATOR,
    )
    gan_run: str | None = setting(
        None,
        label="Existing GAN run",
        help="use this training run's generator in every cell instead of training one per "
        "(fold, k) (default); refused, with the reason, unless the lesions it recorded "
        "training on are among every cell's k lesions",
        none=DEFAULT,
        group=_GENERATOR,
        advanced=True,
    )
    device: str = device_setting(_CLASSIFIER)

    def __post_init__(self) -> None:
        # JSON gives lists: the tuples a frozen options object holds
        for name in ("k", "modes", "lesion_types"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))
        check(self)
        if len(set(self.k)) != len(self.k):
            raise InputError(f"Real lesions k (--k): each number once, not {list(self.k)}")

    @property
    def uses_gan(self) -> bool:
        return any(m in GAN_MODES for m in self.modes)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, strict: bool = True) -> StudyOptions:
        return from_dict(cls, d, strict=strict)

    def describe(self) -> str:
        """One line for a list of studies."""
        gan = f", GAN {self.gan_run or self.gan_preset}" if self.uses_gan else ""
        return (
            f"{' '.join(self.modes)}; k {', '.join(map(str, self.k))}; {self.folds} folds x "
            f"{self.seeds} seeds; {', '.join(self.lesion_types or ('all lesions',))}; "
            f"classifier {self.classifier_preset}, {self.classifier_steps} steps{gan}"
        )
