"""Extraction parameters: one dataclass, validated once, stored as JSON with every patch and in
the catalogue's meta table (so a re-run with other parameters is noticed).

Presets: "default" (the app's choices) and "seed" (the authors' extraction, SEED_METHOD.md
section 1). The stored JSON names the preset the values match, or "custom"."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from ..annotations.schema import FINDING_TYPES
from ..errors import InputError
from ..preprocess.cleanup import GREY_LEVEL_RULES, MIN_GREY_LEVELS
from ..preprocess.crop import PAD_MODES
from ..preprocess.lesion_patches import BORDERS, BOX_ENDS, SCALES, SHAPES, LesionWindowOptions
from ..preprocess.normal_patches import DRAWS
from ..preprocess.normalise import PRESETS
from ..preprocess.split import DEFAULT_FRACTIONS
from ..workspace import PATCH_SIZE

META_KEY = "extraction_params"
MASKS = ("auto", "threshold")

# The authors' values for every extraction choice; the other fields keep their defaults.
SEED_VALUES: dict[str, Any] = {
    "normalise": "minmax",
    "lesion_shape": "stretch",
    "box_ends": "inclusive",
    "scale": "box",
    "margin": 0.0,
    "lesion_border": "shift",  # moot: the seed's box crops lie inside the image
    "max_lesion_px": 750,
    "normal_per_image": 10,
    "candidates_per_round": 100,
    "max_rounds": 5,
    "normal_margin_px": 0.0,
    "normal_overlap": True,
    "normal_draw": "image",
    "min_grey_levels": 30,
    "grey_levels_rule": "normal",
    "mask": "threshold",
    "mask_threshold": 0.0,
}
PRESET_VALUES: dict[str, dict[str, Any]] = {"default": {}, "seed": SEED_VALUES}
# What to cut from which data and how to store it, not how to cut: presets leave these alone.
RUN_FIELDS = ("lesion_types", "seed", "uint16", "split_fractions")
# Fields added after workspaces were first extracted, with the behaviour of the code before
# them: a workspace extracted then is not taken for one extracted with today's defaults.
LEGACY_VALUES: dict[str, Any] = {
    "lesion_border": "pad",
    "box_ends": "exclusive",
    "grey_levels_rule": "both",
    "normal_overlap": False,
    "normal_draw": "bounds",
    "mask": "threshold",
}


@dataclass(frozen=True)
class ExtractParams:
    """The defaults are the "default" preset: the seed's (Alyafi et al.) except `lesion_shape`
    ("square" keeps the aspect ratio; "stretch" is the seed's box resize), `box_ends` (the
    catalogue's pixel edges), and normal patches drawn inside the breast's bounding box without
    overlapping each other."""

    normalise: str = "minmax"  # minmax (seed) | percentile | window
    percentiles: tuple[float, float] = (0.5, 99.5)  # for "percentile", inside the breast
    lesion_types: tuple[str, ...] = ()  # finding types to cut; empty = every located finding
    max_lesion_px: int = 750  # skip boxes larger than this in height or width (0 = no limit)
    lesion_shape: str = "square"  # square | stretch (seed)
    scale: str = "box"  # box: crop the box | fixed: mm_per_px * 128 mm around the centre
    mm_per_px: float | None = None
    margin: float = 0.0  # fraction of the box side added on each side (scale="box")
    lesion_border: str = "shift"  # shift: move the window inside the image | pad (see `pad`)
    pad: str = "constant"  # constant (black) | reflect, past the image borders
    box_ends: str = "exclusive"  # exclusive: boxes are pixel edges | inclusive (seed): x1, y1 + 1
    normal_per_image: int = 10
    normal_margin_px: float = 0.0  # dilation of finding boxes that normal patches avoid
    normal_overlap: bool = False  # normal patches may overlap each other (seed: True)
    normal_draw: str = "bounds"  # candidates inside the breast's bounding box | image (seed)
    candidates_per_round: int = 100
    max_rounds: int = 5
    min_grey_levels: int = MIN_GREY_LEVELS
    grey_levels_rule: str = "normal"  # the clean-up applies to normal patches (seed) | both
    mask: str = "auto"  # auto: threshold from the histogram + opening | threshold (seed)
    mask_threshold: float = 0.0  # mask="threshold": breast = pixels above this (the seed: > 0)
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
                self.lesion_border in BORDERS,
                f"--lesion-border must be one of {', '.join(BORDERS)}",
            ),
            (self.box_ends in BOX_ENDS, f"--box-ends must be one of {', '.join(BOX_ENDS)}"),
            (self.normal_draw in DRAWS, f"--normal-draw must be one of {', '.join(DRAWS)}"),
            (self.mask in MASKS, f"--mask must be one of {', '.join(MASKS)}"),
            (
                self.grey_levels_rule in GREY_LEVEL_RULES,
                f"--grey-levels-rule must be one of {', '.join(GREY_LEVEL_RULES)}",
            ),
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

    @property
    def breast_threshold(self) -> float | None:
        """`breast_mask`'s threshold: None for the automatic mask."""
        return self.mask_threshold if self.mask == "threshold" else None

    def lesion_options(self) -> LesionWindowOptions:
        return LesionWindowOptions(
            shape=self.lesion_shape,
            scale=self.scale,
            mm_per_px=self.mm_per_px,
            margin=self.margin,
            max_lesion_px=self.max_lesion_px,
            size=PATCH_SIZE,
            box_ends=self.box_ends,
            border=self.lesion_border,
        )

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> ExtractParams:
        """The preset's values, then `overrides` (e.g. the flags given on the command line)."""
        if name not in PRESET_VALUES:
            raise InputError(f"--preset must be one of {', '.join(PRESET_VALUES)}, not {name!r}")
        return cls(**{**PRESET_VALUES[name], **overrides})

    def preset_name(self) -> str:
        """The preset whose extraction choices these are (RUN_FIELDS aside), else "custom"."""
        mine = self._method()
        for name in PRESET_VALUES:
            if ExtractParams.preset(name)._method() == mine:
                return name
        return "custom"

    def _method(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in RUN_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.to_json())

    def to_json(self) -> str:
        return json.dumps(
            {**dataclasses.asdict(self), "preset": self.preset_name()}, sort_keys=True
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExtractParams:
        """From stored JSON (the "preset" key is derived, not read)."""
        known = {f.name for f in dataclasses.fields(cls)}
        tuples = {"percentiles", "lesion_types", "split_fractions"}
        d = {**LEGACY_VALUES, **d}
        return cls(**{k: tuple(v) if k in tuples else v for k, v in d.items() if k in known})
