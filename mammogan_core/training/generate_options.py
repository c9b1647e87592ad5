"""The settings of `mammogan generate`: where the generator comes from and what to write. No
torch here: the CLI builds its flags from these declarations before torch is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import check, fields_of, setting
from .config import DEFAULT_PRESET, PRESETS, device_setting

CHECKPOINTS = ("best", "last")  # or a step number
_SOURCE, _OUTPUT = "Generator", "Output"


def checkpoint_setting(group: str, advanced: bool = False) -> Any:
    """Which checkpoint of a run a command draws from (generate, evaluate, export, review)."""
    return setting(
        "best",
        label="Checkpoint",
        help="the run's checkpoint: best (best.pt, else the last), last or a step number",
        choices=CHECKPOINTS,
        free_text=True,
        group=group,
        advanced=advanced,
    )


def condition_setting(group: str) -> Any:
    """Which condition a conditional generator draws (generate, export, review)."""
    return setting(
        "",
        label="Condition",
        help="lesion type/pathology for a conditional run's generator, e.g. mass/malignant "
        "(empty: each of its conditions in turn)",
        group=group,
    )


def check_checkpoint(options: Any) -> None:
    """`options.checkpoint` is best, last or a step number."""
    if options.checkpoint not in CHECKPOINTS and not str(options.checkpoint).isdigit():
        field = next(sf for sf in fields_of(type(options)) if sf.name == "checkpoint")
        label = field.describe()
        raise InputError(f"{label}: best, last or a step number, not {options.checkpoint!r}")


@dataclass(frozen=True)
class GenerateOptions:
    run: str = setting(
        "", label="Training run", help="a training run of the workspace", group=_SOURCE
    )
    weights: str = setting(
        "",
        label="Weights file",
        help="a generator state dict (e.g. medigan's malign_mass_gen) or an exported "
        "generator (its folder or generator.pt), loaded safely; no workspace needed",
        path="file",
        group=_SOURCE,
    )
    checkpoint: str = checkpoint_setting(_SOURCE)
    preset: str = setting(
        DEFAULT_PRESET,
        label="Architecture",
        help="with a weights file: the model preset it was trained with (our checkpoints "
        "name their own)",
        choices=tuple(PRESETS),
        group=_SOURCE,
    )
    condition: str = condition_setting(_SOURCE)
    n: int = setting(64, label="Images", help="number of images to write", lo=1, group=_OUTPUT)
    out: str = setting("", label="Output folder", help="where to write", path="dir", group=_OUTPUT)
    seed: int = setting(
        0,
        label="Random seed",
        help="seed of the noise (the same images on any device)",
        lo=0,
        group=_OUTPUT,
    )
    device: str = device_setting(_OUTPUT)

    def __post_init__(self) -> None:
        check(self)
        if self.run and self.weights:
            raise InputError(
                f"{_FIELDS['weights'].describe()}: give a weights file or --run, not both"
            )
        check_checkpoint(self)

    @property
    def out_path(self) -> Path:
        if not self.out.strip():
            raise InputError(f"{_FIELDS['out'].describe()}: name the folder to write")
        return Path(self.out).expanduser()

    def require_source(self) -> None:
        if not (self.run or self.weights):
            raise InputError(
                f"{_FIELDS['run'].describe()}: name a training run or a --weights file"
            )


_FIELDS = {sf.name: sf for sf in fields_of(GenerateOptions)}
