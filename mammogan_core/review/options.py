"""The settings of a review set (`mammogan review create` and the Review panel), declared once."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..lesion_types import lesion_types_setting
from ..preprocess.split import SPLITS
from ..settings import ALL, DEFAULT, check, setting
from ..training.config import device_setting
from ..training.generate_options import check_checkpoint, checkpoint_setting, condition_setting

_WHAT, _SYNTH, _READING = "Images", "Synthetic lesions", "Reading"

INSTRUCTIONS = (
    "Each image is a 128 x 128 pixel patch of a mammogram centred on a lesion. Some are real, "
    "some were made by a generative network. For each image, say whether you think it is real "
    "(R) or synthetic (S), and how sure you are, from 1 (a guess) to 5 (certain). Answers are "
    "saved as you give them: you can stop and resume at any time."
)


@dataclass(frozen=True)
class ReviewSetOptions:
    title: str = setting(
        "Visual Turing test",
        label="Title",
        help="the title readers see",
        group=_READING,
    )
    real: int = setting(
        20, label="Real lesions", help="real lesion patches in the set", lo=1, group=_WHAT
    )
    synthetic: int = setting(
        20,
        label="Synthetic lesions",
        help="synthetic lesions in the set (as many as real ones gives a balanced set)",
        lo=1,
        group=_WHAT,
    )
    split: str | None = setting(
        None,
        label="Split of the real lesions",
        help="the split the real lesions come from (all: any; test: lesions the generator "
        "never saw)",
        choices=SPLITS,
        none=ALL,
        group=_WHAT,
    )
    lesion_types: tuple[str, ...] | None = lesion_types_setting("show as real lesions", _WHAT)
    repeat: int = setting(
        0,
        label="Repeated images",
        help="images shown twice under another id, for each reader's consistency",
        lo=0,
        group=_WHAT,
    )
    seed: int = setting(
        0,
        label="Seed",
        help="chooses the real lesions, the repeats and the synthetic lesions' latent vectors "
        "(ids and reading orders are random whatever the seed)",
        group=_WHAT,
    )
    bits: str = setting(
        "8",
        label="Bits per pixel",
        help="16 needs patches extracted with 'Keep 16-bit patches' (--uint16)",
        choices=("8", "16"),
        group=_WHAT,
        advanced=True,
    )
    run: str | None = setting(
        None,
        label="Run",
        help="the training run whose generator draws the synthetic lesions (default: the "
        "newest finished run with a checkpoint)",
        none=DEFAULT,
        group=_SYNTH,
    )
    checkpoint: str = checkpoint_setting(_SYNTH, advanced=True)
    condition: str = condition_setting(_SYNTH)
    device: str = device_setting(_SYNTH)
    zoom: int = setting(
        4, label="Zoom", help="the readers' starting zoom", lo=1, hi=8, unit="x", group=_READING
    )
    window_level: bool = setting(
        False,
        label="Window / level",
        help="let readers change the window and level (contrast and brightness)",
        group=_READING,
    )

    def __post_init__(self) -> None:
        check(self)
        check_checkpoint(self)
        if self.repeat > self.real + self.synthetic:
            raise InputError(
                f"Repeated images (--repeat): at most the {self.real + self.synthetic} images "
                f"of the set, not {self.repeat}"
            )

    @property
    def dtype(self) -> str:
        return "uint16" if self.bits == "16" else "uint8"

    @property
    def display(self) -> dict[str, object]:
        """The package's display defaults."""
        return {"zoom": self.zoom, "window_level": self.window_level}


_PLAN = "Study size"


@dataclass(frozen=True)
class PlanOptions:
    """How many readers and images the equivalence test needs (`mammogan review plan` and the
    Review panel's planner)."""

    power: float = setting(
        0.8,
        label="Power",
        help="the chance wanted of showing equivalence when the assumed AUC is the truth",
        lo=0.05,
        hi=0.99,
        group=_PLAN,
    )
    auc: float = setting(
        0.5,
        label="True AUC",
        help="the readers' true reader-averaged AUC assumed (0.5: the synthetic lesions are "
        "indistinguishable)",
        lo=0.0,
        hi=1.0,
        group=_PLAN,
    )
    margin: float = setting(
        0.1,
        label="Margin",
        help="equivalence: the AUC shown within 0.5 +/- this margin",
        lo=0.01,
        hi=0.49,
        group=_PLAN,
    )
    readers: tuple[int, ...] = setting(
        (3, 5, 8, 12),
        label="Readers",
        help="the reader counts to compare",
        lo=2,
        hi=100,
        spaced=True,
        group=_PLAN,
    )
    images: tuple[int, ...] = setting(
        (40, 80, 160, 320),
        label="Images",
        help="the image counts to compare (half real, half synthetic)",
        lo=4,
        hi=5000,
        spaced=True,
        group=_PLAN,
    )
    pilot: str | None = setting(
        None,
        label="Pilot set",
        help="a review set whose readers' variance components replace the simulation's "
        "assumed ones (none: Roe-Metz simulation)",
        none=DEFAULT,
        group=_PLAN,
    )
    studies: int = setting(
        400,
        label="Simulated studies",
        help="per design (more: steadier power figures, slower)",
        lo=50,
        hi=20000,
        group=_PLAN,
        advanced=True,
    )
    seed: int = setting(0, label="Seed", help="of the simulation", group=_PLAN, advanced=True)

    def __post_init__(self) -> None:
        check(self)
