"""Extraction parameters: one dataclass, validated once, stored as JSON with every patch and in
the catalogue's meta table (so a re-run with other parameters is noticed)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from ..annotations.schema import FINDING_TYPES
from ..errors import InputError
from ..preprocess.cleanup import MIN_GREY_LEVELS
from ..preprocess.crop import PAD_MODES
from ..preprocess.lesion_patches import SCALES, SHAPES, LesionWindowOptions
from ..preprocess.normalise import PRESETS
from ..preprocess.split import DEFAULT_FRACTIONS
from ..workspace import PATCH_SIZE

META_KEY = "extraction_params"


@dataclass(frozen=True)
class ExtractParams:
    """Defaults follow the seed (Alyafi et al.) except `lesion_shape` ("square" keeps the aspect
    ratio; "stretch" is the seed's box resize)."""

    normalise: str = "minmax"  # minmax (seed) | percentile | window
    percentiles: tuple[float, float] = (0.5, 99.5)  # for "percentile", inside the breast
    lesion_types: tuple[str, ...] = ()  # finding types to cut; empty = every located finding
    max_lesion_px: int = 750  # skip boxes larger than this in height or width (0 = no limit)
    lesion_shape: str = "square"  # square | stretch (seed)
    scale: str = "box"  # box: crop the box | fixed: mm_per_px * 128 mm around the centre
    mm_per_px: float | None = None
    margin: float = 0.0  # fraction of the box side added on each side (scale="box")
    pad: str = "constant"  # constant (black) | reflect, past the image borders
    normal_per_image: int = 10
    normal_margin_px: float = 0.0  # dilation of finding boxes that normal patches avoid
    candidates_per_round: int = 100
    max_rounds: int = 5
    min_grey_levels: int = MIN_GREY_LEVELS
    mask_threshold: float = 0.0  # breast = pixels above this (the seed: > 0)
    seed: int = 0
    uint16: bool = False  # also fill the uint16 patch store
    split_fractions: tuple[float, float, float] = DEFAULT_FRACTIONS

    def __post_init__(self) -> None:
        checks = [
            (self.normalise in PRESETS, f"--normalise must be one of {', '.join(PRESETS)}"),
            (self.lesion_shape in SHAPES, f"lesion shape must be one of {', '.join(SHAPES)}"),
            (self.scale in SCALES, f"--scale must be one of {', '.join(SCALES)}"),
            (self.pad in PAD_MODES, f"--pad must be one of {', '.join(PAD_MODES)}"),
            (
                self.scale != "fixed" or (self.mm_per_px or 0) > 0,
                "--scale fixed needs --mm-per-px > 0",
            ),
            (
                set(self.lesion_types) <= set(FINDING_TYPES),
                f"--lesion-types must be among {', '.join(FINDING_TYPES)}",
            ),
            (
                self.max_lesion_px >= 0 and self.normal_per_image >= 0,
                "sizes and counts must be >= 0",
            ),
            (self.margin >= 0 and self.normal_margin_px >= 0, "margins must be >= 0"),
            (
                self.candidates_per_round > 0 and self.max_rounds > 0,
                "candidates and rounds must be > 0",
            ),
            (
                0 <= self.percentiles[0] < self.percentiles[1] <= 100,
                "percentiles must be 0 <= lo < hi <= 100",
            ),
            (
                len(self.split_fractions) == 3
                and abs(sum(self.split_fractions) - 1) < 1e-6
                and min(self.split_fractions) >= 0,
                "split fractions must be three numbers summing to 1",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise InputError(message)

    def lesion_options(self) -> LesionWindowOptions:
        return LesionWindowOptions(
            shape=self.lesion_shape,
            scale=self.scale,
            mm_per_px=self.mm_per_px,
            margin=self.margin,
            max_lesion_px=self.max_lesion_px,
            size=PATCH_SIZE,
        )

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.to_json())

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExtractParams:
        known = {f.name for f in dataclasses.fields(cls)}
        tuples = {"percentiles", "lesion_types", "split_fractions"}
        return cls(**{k: tuple(v) if k in tuples else v for k, v in d.items() if k in known})
