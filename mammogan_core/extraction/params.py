"""Extraction parameters: one dataclass, validated once, stored as JSON with every patch and in
the catalogue's meta table (so a re-run with other parameters is noticed).

Presets: "default" (the app's choices) and "seed" (the authors' extraction, SEED_METHOD.md
section 1). The stored JSON names the preset the values match, or "custom"."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..lesion_types import lesion_types_setting
from ..preprocess.cleanup import GREY_LEVEL_RULES, MIN_GREY_LEVELS
from ..preprocess.crop import PAD_MODES
from ..preprocess.lesion_patches import BORDERS, BOX_ENDS, SCALES, SHAPES, LesionWindowOptions
from ..preprocess.normal_patches import DRAWS
from ..preprocess.normalise import PRESETS
from ..preprocess.split import DEFAULT_FRACTIONS
from ..settings import DEFAULT, check, fields_of, from_dict, setting, to_dict
from ..workspace import PATCH_SIZE

META_KEY = "extraction_params"
MASKS = ("auto", "threshold")
EXECUTORS = ("local", "dask")  # where images are read and cut (extraction/executors.py)

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
    "normal_max_background": 1.0,
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
    "normal_max_background": 1.0,
}
_STORE = "Split and storage"


@dataclass(frozen=True)
class ExtractParams:
    """The defaults are the "default" preset: the seed's (Alyafi et al.) except `lesion_shape`
    ("square" keeps the aspect ratio; "stretch" is the seed's box resize), `box_ends` (the
    catalogue's pixel edges), the automatic breast mask, and normal patches drawn inside the
    breast's bounding box without overlapping each other."""

    # ---- lesions
    lesion_types: tuple[str, ...] | None = lesion_types_setting("cut from the images", "Lesions")
    max_lesion_px: int = setting(
        750,
        label="Largest lesion",
        help="skip lesion boxes larger than this in height or width (0: no limit)",
        lo=0,
        unit="px",
        group="Lesions",
    )
    lesion_shape: str = setting(
        "square",
        label="Lesion window",
        help="square: pad the box to a square around its centre; stretch: resize the box as "
        "it is (the seed)",
        choices=SHAPES,
        group="Lesions",
    )
    scale: str = setting(
        "box",
        label="Scale",
        help=f"box: the lesion box fills the patch; fixed: {PATCH_SIZE} px at mm-per-px "
        "around the box's centre",
        choices=SCALES,
        group="Lesions",
    )
    mm_per_px: float | None = setting(
        None,
        label="Patch resolution",
        help=f"with scale fixed: e.g. 0.2 ({PATCH_SIZE} px = {PATCH_SIZE * 0.2:g} mm); "
        "default: none, the box sets the scale",
        lo=0,
        lo_open=True,
        unit="mm/px",
        none=DEFAULT,
        group="Lesions",
    )
    margin: float = setting(
        0.0,
        label="Context margin",
        help="context added on each side of the lesion box, a fraction of its side (scale box)",
        lo=0,
        unit="fraction",
        group="Lesions",
    )
    lesion_border: str = setting(
        "shift",
        label="Window at the border",
        help="a lesion window past the image border: shift it inside the image (padded only "
        "where it is longer than the image) or keep it centred and pad",
        choices=BORDERS,
        group="Lesions",
        advanced=True,
    )
    pad: str = setting(
        "constant",
        label="Padding",
        help="padding past the image border: constant (black) or reflect (mirrored)",
        choices=PAD_MODES,
        group="Lesions",
        advanced=True,
    )
    box_ends: str = setting(
        "exclusive",
        label="Box ends",
        help="exclusive: boxes are pixel edges; inclusive: x2, y2 are the lesion's last "
        "pixels, one more each way (the seed's reading of OPTIMAM's X2, Y2)",
        choices=BOX_ENDS,
        group="Lesions",
        advanced=True,
    )
    # ---- normal tissue
    normal_per_image: int = setting(
        10,
        label="Normal patches",
        help="normal-tissue patches per image",
        lo=0,
        unit="per image",
        group="Normal tissue",
    )
    normal_margin_px: float = setting(
        0.0,
        label="Normal margin",
        help="distance kept between normal patches and finding boxes",
        lo=0,
        unit="px",
        group="Normal tissue",
    )
    normal_overlap: bool = setting(
        False,
        label="Normals may overlap",
        help="normal patches may overlap each other (the seed)",
        group="Normal tissue",
    )
    normal_draw: str = setting(
        "bounds",
        label="Draw candidates",
        help="inside the breast's bounding box (bounds) or over the whole image (the seed)",
        choices=DRAWS,
        group="Normal tissue",
    )
    normal_max_background: float = setting(
        0.05,
        label="Background share",
        help="a normal patch is refused when more than this share of its pixels lie below the "
        "image's background level (the mask's threshold), whatever the mask says: the dark "
        "halo beside the skin on film scans, label ink; 1: no such check (the seed)",
        lo=0,
        hi=1,
        decimals=2,
        group="Normal tissue",
    )
    candidates_per_round: int = setting(
        100,
        label="Candidates per round",
        help="random normal-patch windows tried per round",
        lo=1,
        group="Normal tissue",
        advanced=True,
    )
    max_rounds: int = setting(
        5,
        label="Rounds",
        help="rounds of candidates per image at most",
        lo=1,
        group="Normal tissue",
        advanced=True,
    )
    # ---- normalisation
    normalise: str = setting(
        "minmax",
        label="Normalisation",
        help="minmax: the seed's per-image rescale; percentile: the percentiles inside the "
        "breast; window: the DICOM VOI window",
        choices=PRESETS,
        group="Normalisation",
    )
    percentiles: tuple[float, float] = setting(
        (0.5, 99.5),
        label="Percentiles",
        help="the grey range of normalisation percentile, inside the breast",
        lo=0,
        hi=100,
        unit="%",
        decimals=2,
        group="Normalisation",
        advanced=True,
    )
    min_grey_levels: int = setting(
        MIN_GREY_LEVELS,
        label="Fewest grey levels",
        help="patches with fewer distinct grey levels are dropped (flat background)",
        lo=0,
        unit="levels",
        group="Normalisation",
        advanced=True,
    )
    grey_levels_rule: str = setting(
        "normal",
        label="Grey-level clean-up",
        help="the clean-up applies to normal patches only (the seed) or to lesion patches too",
        choices=GREY_LEVEL_RULES,
        group="Normalisation",
        advanced=True,
    )
    # ---- breast mask
    mask: str = setting(
        "auto",
        label="Breast mask",
        help="auto: a threshold from each image's histogram, film labels and scanner strips cut "
        "off; threshold: the pixels above the mask threshold (the seed: > 0)",
        choices=MASKS,
        group="Breast mask",
    )
    mask_threshold: float = setting(
        0.0,
        label="Mask threshold",
        help="with mask threshold: breast = pixels above this raw value (the seed: 0)",
        unit="raw value",
        group="Breast mask",
        advanced=True,
    )
    # ---- split and storage
    seed: int = setting(
        0, label="Random seed", help="seed of the normal patches and the split", group=_STORE
    )
    split_fractions: tuple[float, float, float] = setting(
        DEFAULT_FRACTIONS,
        label="Split fractions",
        help="train, val and test fractions of the patients, summing to 1",
        lo=0,
        hi=1,
        group=_STORE,
        advanced=True,
    )
    uint16: bool = setting(
        False,
        label="Keep 16-bit patches",
        help="also fill the uint16 patch store",
        group=_STORE,
        advanced=True,
    )

    def __post_init__(self) -> None:
        check(self)
        low, high = self.percentiles
        problems = [
            (self.scale == "fixed" and self.mm_per_px is None, "mm_per_px", "scale fixed needs it"),
            (low >= high, "percentiles", "the low percentile must be below the high"),
            (
                abs(sum(self.split_fractions) - 1) > 1e-6,
                "split_fractions",
                "the three fractions must sum to 1",
            ),
            (
                self.mask == "auto" and self.mask_threshold != 0,
                "mask_threshold",
                "a manual threshold: use it with --mask threshold",
            ),
        ]
        for bad, name, why in problems:
            if bad:
                raise InputError(f"{_FIELDS[name].describe()}: {why}")

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
        """The stored form, unchanged since the first workspaces: every lesion type is `[]`."""
        stored = {**to_dict(self), "preset": self.preset_name()}
        stored["lesion_types"] = stored["lesion_types"] or []
        return json.dumps(stored, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExtractParams:
        """From stored JSON (the "preset" key is derived, not read)."""
        d = {**LEGACY_VALUES, **d, "lesion_types": d.get("lesion_types") or None}
        return from_dict(cls, d, strict=False)


_FIELDS = {sf.name: sf for sf in fields_of(ExtractParams)}


@dataclass(frozen=True)
class ExtractRun:
    """How an extraction runs, not what it cuts (not stored with the patches): the Data panel's
    and `mammogan extract`'s. The CLI alone has --shard (cluster array jobs) and --redo (the
    panel asks before it redoes an extraction with other parameters)."""

    preset: str = setting(
        "default",
        label="Preset",
        help="the extraction choices to start from: seed, the authors' (box crop stretched, "
        "inclusive box ends, min-max, mask > 0, overlapping normals drawn over the image); "
        "default, the app's. Settings given as well override the preset.",
        choices=tuple(PRESET_VALUES),
        group="Run",
    )
    workers: int | None = setting(
        None,
        label="Worker processes",
        help="processes that read and cut the images (0: in this process; default: one per "
        "available core)",
        lo=0,
        none=DEFAULT,
        group="Run",
    )
    executor: str = setting(
        "local",
        label="Executor",
        help="local: this machine's worker processes; dask: Dask distributed workers (a local "
        'Dask cluster, or the one at --scheduler; pip install "mammogan[cluster]")',
        choices=EXECUTORS,
        group="Run",
        advanced=True,
    )
    scheduler: str | None = setting(
        None,
        label="Dask scheduler",
        help="with executor dask: the scheduler's address, e.g. tcp://node01:8786 (default: a "
        "local Dask cluster of --workers processes)",
        none=DEFAULT,
        group="Run",
        advanced=True,
    )

    def __post_init__(self) -> None:
        check(self)
