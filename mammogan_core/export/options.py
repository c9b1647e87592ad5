"""The settings of an export (`mammogan export` and the Export panel), declared once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..lesion_types import lesion_types_setting
from ..settings import DEFAULT, check, fields_of, setting, to_dict
from ..training import PRESETS  # torch-free; model presets share these names
from ..training.config import device_setting
from ..training.generate_options import check_checkpoint, checkpoint_setting, condition_setting

FORMATS = ("imagefolder", "tiff", "npz", "hdf5", "dicom")
SPLITS = ("train", "val", "test")
CLASSES = ("lesion", "normal")  # sorted: ImageFolder numbers classes in this order
SYNTHETIC_PER_REAL_LESION = 1.5  # the one-click default's number of synthetic lesions

_WHAT, _SYNTH, _FILES = "What to export", "Synthetic lesions", "Files"


@dataclass(frozen=True)
class ExportSettings:
    out: str = setting(
        "",
        label="Export folder",
        help="the folder the dataset is written to (made beside it, then renamed to it)",
        path="dir",
        group=_FILES,
    )
    format: str = setting(
        "imagefolder",
        label="Format",
        help="imagefolder: OUT/<split>/<class>/*.png (torchvision, Keras); tiff: the same "
        "layout with TIFF files; npz / hdf5: one array file; dicom: Secondary Capture files",
        choices=FORMATS,
        group=_FILES,
    )
    bits: str = setting(
        "8",
        label="Bits per pixel",
        help="16 needs patches extracted with 'Keep 16-bit patches' (--uint16)",
        choices=("8", "16"),
        group=_FILES,
    )
    license: str = setting(
        "",
        label="Licence",
        help="the dataset's licence, written into its cards (croissant.json, README.md): an "
        "SPDX id such as CC-BY-4.0, or a URL; blank: the cards say it is not stated",
        group=_FILES,
        advanced=True,
    )
    overwrite: bool = setting(
        False,
        label="Replace an earlier export",
        help="replace an earlier export in the folder (only once the new one is complete)",
        group=_FILES,
    )
    split: tuple[str, ...] = setting(
        ("train",),
        label="Splits",
        help="the splits of the real patches to export",
        choices=SPLITS,
        group=_WHAT,
    )
    classes: tuple[str, ...] = setting(
        CLASSES, label="Classes", help="lesion and/or normal patches", choices=CLASSES, group=_WHAT
    )
    lesion_types: tuple[str, ...] | None = lesion_types_setting(
        "export as real lesions (the lesion class)", _WHAT
    )
    flip: bool = setting(
        True,
        label="Flipped copies",
        help="add a left-right mirrored copy of every real training patch",
        group=_WHAT,
    )
    synthetic: int | None = setting(
        None,
        label="Synthetic lesions",
        help="how many synthetic lesions to add to the training split (default: 1.5 x the real "
        "training lesions exported, none when the workspace has no finished run)",
        lo=0,
        none=DEFAULT,
        group=_SYNTH,
    )
    run: str | None = setting(
        None,
        label="Run",
        help="the training run whose generator draws them (default: the newest finished run "
        "with a checkpoint)",
        none=DEFAULT,
        group=_SYNTH,
    )
    checkpoint: str = checkpoint_setting(_SYNTH, advanced=True)
    condition: str = condition_setting(_SYNTH)
    weights: str | None = setting(
        None,
        label="Weights file",
        help="a generator weights file instead of a run (loaded safely, never unpickled)",
        path="file",
        none=DEFAULT,
        group=_SYNTH,
        advanced=True,
    )
    preset: str = setting(
        "alyafi2020",
        label="Weights architecture",
        help="with a weights file: the architecture it holds",
        choices=tuple(sorted(PRESETS)),
        group=_SYNTH,
        advanced=True,
    )
    seed: int = setting(
        0, label="Seed", help="seed of the synthetic lesions' latent vectors", group=_SYNTH
    )
    device: str = device_setting(_SYNTH)

    def __post_init__(self) -> None:
        check(self)
        check_checkpoint(self)
        text = self.license.strip()
        if text and "://" not in text and not re.fullmatch(r"[A-Za-z0-9.+-]+", text):
            raise InputError(
                f"{_FIELDS['license'].describe()}: an SPDX licence id (e.g. CC-BY-4.0) or a URL, "
                f"not {text!r}"
            )
        if self.weights and self.run:
            raise InputError(
                f"{_FIELDS['weights'].describe()}: give a run or a weights file, not both"
            )
        if self.synthetic and "lesion" not in self.classes:
            raise InputError(
                f"{_FIELDS['synthetic'].describe()}: synthetic images are lesions; add lesion to "
                f"{_FIELDS['classes'].flag} or set {_FIELDS['synthetic'].flag} 0"
            )
        if self.synthetic and "train" not in self.split:
            raise InputError(
                f"{_FIELDS['synthetic'].describe()}: synthetic lesions go only to the training "
                f"split; add train to {_FIELDS['split'].flag} or set {_FIELDS['synthetic'].flag} 0"
            )

    @property
    def dtype(self) -> str:
        return "uint16" if self.bits == "16" else "uint8"

    def recorded(self) -> dict[str, Any]:
        """The settings as export.json records them: not where the export or the weights lie
        (a path may hold a person's name), so that two exports of the same data compare equal."""
        d = to_dict(self)
        for name in ("out", "overwrite"):
            d.pop(name)
        if self.weights:
            d["weights"] = Path(self.weights).name
        else:  # the preset names a weights file's architecture; a run records its own
            d.pop("preset")
        return d


_FIELDS = {sf.name: sf for sf in fields_of(ExportSettings)}
