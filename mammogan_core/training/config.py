"""Training configuration: every hyperparameter declared once in one dataclass (label, help,
range, group: mammogan_core.settings), from which `mammogan train`'s flags and the Train panel's
form are built, and named presets.

No torch import here: the GUI builds configs before torch is loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from ..annotations.schema import PATHOLOGIES
from ..errors import InputError
from ..lesion_types import describe, lesion_types_setting
from ..preprocess.split import SPLITS
from ..settings import ALL, DEFAULT, check, fields_of, from_dict, setting, to_dict

# Fields that may change between a run and its resumption: they do not alter the schedule
# or the random streams (epochs may grow to train longer).
RUNTIME_FIELDS = frozenset(
    {
        "epochs",
        "device",
        "amp",
        "channels_last",
        "compile",
        "deterministic",
        "sample_every",
        "metrics_every",
        "checkpoint_every",
        "checkpoint_unit",
        "keep_last",
        "best_metric",
        "best_mode",
        "eval_every",
        "eval_samples",
        "inception_weights",
    }
)

# Fields added after runs were recorded, with the value those runs had: left out of the schedule
# hash while they hold it, so that such runs still resume.
ADDED_FIELDS: dict[str, Any] = {
    "pathology": None,
    "real_jitter": False,
    "aug_translate": 0.0,
    "aug_cutout": 0.0,
    "aug_brightness": 0.0,
    "aug_contrast": 0.0,
    "ada": False,
    "ada_target": 0.6,
    "ada_speed": 50_000,
    "ada_interval": 4,
    "upsample": None,
    "conditional": False,
}

# The presets (defined below, once the class exists) and what each is for.
PRESET_NOTES = {
    "alyafi2020": "The paper's recipe on masses: β1 = 0, real labels 0.7–1, StepLR decay, fp32, "
    "100 epochs.",
    "dcgan": "Classic DCGAN (Radford et al.): β1 = 0.5, hard labels, constant rates.",
    "cpu": "A narrow model that learns lesions of every type on a CPU (the demo's).",
    "small-data": "For tens to thousands of lesions of every type: the seed's model with "
    "resize-then-convolve upsampling (no checkerboard), DiffAugment on real and generated "
    "images, its strength adapted as in ADA.",
    "tiny": "For tests only: the smallest model; its samples stay grey.",
}
# what each preset trains on (see lesion_types.py); the others: every type
PRESET_LESION_TYPES: dict[str, tuple[str, ...] | None] = {
    "alyafi2020": ("mass",),
    "dcgan": None,
    "cpu": None,
    "small-data": None,
    "tiny": None,
}
DEFAULT_PRESET = "alyafi2020"
PATCH_CLASSES = ("lesion", "normal")
DEVICES = ("auto", "cpu", "cuda", "mps")  # and cuda:N
AMP_MODES = ("auto", "bf16", "off")
CHANNELS_LAST = ("auto", "on", "off")
COMPILE_MODES = ("off", "default", "reduce-overhead")
CHECKPOINT_UNITS = ("epochs", "steps")
# a metric of generated samples (mammogan_core.metrics.selection) or "<StepMetrics key>_ema"
BEST_METRICS = ("fid", "kid", "loss_g_ema", "loss_d_ema", "d_g_z_ema")
BEST_MODES = ("min", "max")
UPSAMPLE_MODES = ("transposed", "resize")  # models.dcgan builds them

_DATA, _SCHEDULE, _OPTIMISER = "Data", "Schedule", "Optimiser"
_MONITOR, _SPEED, _MODEL = "Monitoring and checkpoints", "Device and speed", "Model"
_AUGMENT = "Augmentation"


def device_setting(group: str) -> Any:
    """The torch device a command runs on (training, generation)."""
    return setting(
        "auto",
        label="Device",
        help="auto: CUDA, else MPS, else the CPU; or cpu, cuda, cuda:N, mps",
        choices=DEVICES,
        free_text=True,
        group=group,
    )


def _rate(which: str) -> Any:
    return setting(
        2e-4,
        label=f"Learning rate {which}",
        help=f"Adam learning rate of the {'generator' if which == 'G' else 'discriminator'} "
        "(scientific notation works: 2e-4)",
        lo=0,
        lo_open=True,
        hi=1,
        scientific=True,
        group=_OPTIMISER,
    )


def _every(default: int, label: str, help_: str, **more: Any) -> Any:
    return setting(default, label=label, help=help_, lo=1, group=_MONITOR, **more)


def _strength(label: str, help_: str, hi: float, unit: str = "") -> Any:
    return setting(
        0.0, label=label, help=f"{help_}; 0: off", lo=0, hi=hi, unit=unit, group=_AUGMENT
    )


def _width(label: str, help_: str, hi: int) -> Any:
    return setting(
        None,
        label=label,
        help=f"{help_}; default: the preset's",
        lo=1,
        hi=hi,
        none=DEFAULT,
        group=_MODEL,
        advanced=True,
    )


@dataclass(frozen=True)
class TrainConfig:
    preset: str = setting(
        DEFAULT_PRESET,
        label="Preset",
        help="the model and recipe to start from: "
        + " ".join(f"{name}: {note}" for name, note in PRESET_NOTES.items())
        + " Settings given as well override the preset's.",
        choices=tuple(PRESET_NOTES),
        group=_MODEL,
    )
    # ---- data: which patches of the workspace
    label: str = setting(
        "lesion",
        label="Patch class",
        help="which patches to learn",
        choices=PATCH_CLASSES,
        group=_DATA,
    )
    lesion_types: tuple[str, ...] | None = lesion_types_setting(
        "train on",
        _DATA,
        "the preset's: "
        + "; ".join(f"{name} {describe(types)}" for name, types in PRESET_LESION_TYPES.items()),
    )
    pathology: tuple[str, ...] | None = setting(
        None,
        label="Pathology",
        help="train on lesions of these pathologies (all: every lesion)",
        choices=PATHOLOGIES,
        none=ALL,
        group=_DATA,
    )
    split: str | None = setting(
        "train",
        label="Split",
        help="train on this split of the patches (all: every split)",
        choices=SPLITS,
        none=ALL,
        group=_DATA,
    )
    flip_h: bool = setting(
        True, label="Flip left-right", help="random horizontal flips of real patches", group=_DATA
    )
    flip_v: bool = setting(
        True, label="Flip up-down", help="random vertical flips of real patches", group=_DATA
    )
    real_jitter: bool = setting(
        False,
        label="Brightness/contrast jitter",
        help="the seed's thesis for small training sets: real patches get up to +/-5 grey "
        "levels of brightness and of contrast (a data augmentation of the real images only)",
        group=_DATA,
    )
    # ---- differentiable augmentation before D (DiffAugment; ADA's adaptive strength)
    aug_translate: float = _strength(
        "Translation",
        "DiffAugment: shift real and generated images by up to this fraction of their side "
        "(DiffAugment's: 0.125)",
        0.5,
    )
    aug_cutout: float = _strength(
        "Cutout",
        "DiffAugment: blank a square of this fraction of the side, anywhere (DiffAugment's: 0.5)",
        1.0,
    )
    aug_brightness: float = _strength(
        "Brightness",
        "DiffAugment: add up to +/- this many grey levels (DiffAugment's: 64)",
        127.5,
        "grey levels",
    )
    aug_contrast: float = _strength(
        "Contrast",
        "DiffAugment: scale the deviations from the mean by 1 +/- this (DiffAugment's: 0.5)",
        1.0,
    )
    ada: bool = setting(
        False,
        label="Adaptive (ADA)",
        help="apply each augmentation with a probability p adapted to D's overfitting r_t = "
        "E[sign D(real)] (off: always, p = 1)",
        group=_AUGMENT,
    )
    ada_target: float = setting(
        0.6,
        label="ADA target r_t",
        help="p rises while r_t is above this and falls while below (ADA's: 0.6)",
        lo=0,
        hi=1,
        group=_AUGMENT,
        advanced=True,
    )
    ada_speed: int = setting(
        50_000,
        label="ADA speed",
        help="images over which p can go from 0 to 1 (ADA's 500,000 suits runs of millions "
        "of images)",
        lo=1,
        unit="images",
        group=_AUGMENT,
        advanced=True,
    )
    ada_interval: int = setting(
        4,
        label="ADA interval",
        help="steps between adjustments of p (r_t is measured over them)",
        lo=1,
        unit="steps",
        group=_AUGMENT,
        advanced=True,
    )
    # ---- schedule
    epochs: int = setting(
        100,
        label="Epochs",
        help="passes over the selected patches (on a resume: train until this epoch)",
        lo=1,
        group=_SCHEDULE,
    )
    batch_size: int = setting(
        64,
        label="Batch size",
        help="real patches per step",
        lo=1,
        hi=65536,
        unit="patches",
        group=_SCHEDULE,
    )
    seed: int = setting(
        0,
        label="Random seed",
        help="seeds the weights, the batches and the noise",
        lo=0,
        hi=2**31 - 1,
        group=_SCHEDULE,
    )
    # ---- optimisation (the seed's recipe)
    lr_g: float = _rate("G")
    lr_d: float = _rate("D")
    real_label_min: float = setting(
        0.7,
        label="Real-label range",
        help="one-sided label smoothing: each epoch the real label is drawn from U(min, max)",
        lo=0,
        hi=1,
        group=_OPTIMISER,
    )
    real_label_max: float = setting(
        1.0,
        label="Real label max",
        help="upper end of the real-label range",
        lo=0,
        hi=1,
        joins="to",
        group=_OPTIMISER,
    )
    betas: tuple[float, float] = setting(
        (0.0, 0.999),
        label="Adam β1, β2",
        help="Adam's moment decay rates",
        lo=0,
        hi=0.9999,
        decimals=4,
        group=_OPTIMISER,
        advanced=True,
    )
    lr_step_d: int = setting(
        8,
        label="LR step D",
        help="StepLR: D's rate times the LR decay every this many epochs",
        lo=1,
        unit="epochs",
        group=_OPTIMISER,
        advanced=True,
    )
    lr_step_g: int = setting(
        10,
        label="LR step G",
        help="StepLR: G's rate times the LR decay every this many epochs",
        lo=1,
        unit="epochs",
        group=_OPTIMISER,
        advanced=True,
    )
    lr_gamma: float = setting(
        0.99,
        label="LR decay γ",
        help="StepLR factor (1: constant rates)",
        lo=0,
        lo_open=True,
        hi=1,
        group=_OPTIMISER,
        advanced=True,
    )
    # ---- monitoring and checkpoints
    sample_every: int = _every(
        500, "Sample grid every", "steps between fixed-noise sample grids", unit="steps"
    )
    checkpoint_every: int = _every(
        10, "Checkpoint every", "checkpoint period, in epochs or steps (the unit beside)"
    )
    checkpoint_unit: str = setting(
        "epochs",
        label="Checkpoint unit",
        help="unit of the checkpoint period",
        choices=CHECKPOINT_UNITS,
        joins="",
        group=_MONITOR,
    )
    metrics_every: int = _every(
        10,
        "Metrics every",
        "steps per curve point (metrics are averaged over them)",
        unit="steps",
        advanced=True,
    )
    keep_last: int = _every(
        3,
        "Keep last",
        "checkpoints kept besides the best",
        hi=1000,
        unit="checkpoints",
        advanced=True,
    )
    # A GAN's losses do not measure image quality (the lowest G loss is often an early, blank
    # G): 'best' is chosen on generated samples.
    best_metric: str = setting(
        "fid",
        label="Best by",
        help="the metric that picks best.pt, every 'Evaluate every' epochs: fid (the seed's; "
        "needs the Inception weights file, else kid is used and the run says so), kid "
        "(weights-free features) or <key>_ema of a curve's key",
        choices=BEST_METRICS,
        free_text=True,
        group=_MONITOR,
        advanced=True,
    )
    best_mode: str = setting(
        "min",
        label="Best mode",
        help="lower (min) or higher (max) is better",
        choices=BEST_MODES,
        joins="",
        group=_MONITOR,
        advanced=True,
    )
    eval_every: int = _every(
        10,
        "Evaluate every",
        "epochs between evaluations of the best-checkpoint metric (fid, kid) on generated "
        "samples; each writes a checkpoint",
        unit="epochs",
    )
    eval_samples: int = setting(
        2000,
        label="Evaluation samples",
        help="generated patches per evaluation (the seed's FID: 2,000)",
        lo=10,
        unit="patches",
        group=_MONITOR,
        advanced=True,
    )
    inception_weights: str = setting(
        "",
        label="Inception weights",
        help="the FID Inception-v3 weights file (pt_inception-2015-12-05-6726825d.pth); empty: "
        "the one remembered from an earlier evaluation, if any",
        path="file",
        group=_MONITOR,
        advanced=True,
    )
    # ---- speed
    device: str = device_setting(_SPEED)
    amp: str = setting(
        "auto",
        label="Mixed precision",
        help="auto: bf16 on CUDA only (slow on CPUs); bf16; off: fp32",
        choices=AMP_MODES,
        group=_SPEED,
    )
    channels_last: str = setting(
        "auto",
        label="Channels-last",
        help="memory layout; auto: on CUDA without compile",
        choices=CHANNELS_LAST,
        group=_SPEED,
        advanced=True,
    )
    compile: str = setting(
        "off",
        label="torch.compile",
        help="compile the models (falls back to eager if compiling fails)",
        choices=COMPILE_MODES,
        group=_SPEED,
        advanced=True,
    )
    deterministic: bool = setting(
        False,
        label="Deterministic",
        help="deterministic kernels during the run (slower, reproducible)",
        group=_SPEED,
        advanced=True,
    )

    # ---- model size (default: the preset's)
    nz: int | None = _width("Latent size nz", "noise vector length", 4096)
    ngf: int | None = _width("G width ngf", "generator base width", 1024)
    ndf: int | None = _width("D width ndf", "discriminator base width", 1024)
    upsample: str | None = setting(
        None,
        label="G upsampling",
        help="transposed: stride-2 transposed convolutions (the seed's; they can paint a "
        "checkerboard); resize: nearest-neighbour resize then a 3 x 3 convolution; default: "
        "the preset's",
        choices=UPSAMPLE_MODES,
        none=DEFAULT,
        group=_MODEL,
        advanced=True,
    )
    conditional: bool = setting(
        False,
        label="Conditional",
        help="one generator for every lesion type and pathology, asked for one at a time "
        "(generate --condition mass/malignant); trains on the lesions that have both labels",
        group=_MODEL,
    )

    def __post_init__(self) -> None:
        # JSON gives lists: the tuples a frozen config holds
        for name in ("betas", "lesion_types", "pathology"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))
        check(self)
        if self.ada and not any(
            (self.aug_translate, self.aug_cutout, self.aug_brightness, self.aug_contrast)
        ):
            raise InputError(
                f"{_FIELDS['ada'].describe()}: adapts the augmentation's strength; set one of "
                "--aug-translate, --aug-cutout, --aug-brightness, --aug-contrast above 0 "
                "(the small-data preset has all four)"
            )
        if self.real_label_min > self.real_label_max:
            raise InputError(
                f"{_FIELDS['real_label_max'].describe()}: must not be below "
                f"--real-label-min ({self.real_label_min:g}), not {self.real_label_max:g}"
            )

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, strict: bool = True) -> TrainConfig:
        """From JSON; `strict=False` for stored records (a newer version's keys are skipped)."""
        return from_dict(cls, d, strict=strict)

    def with_(self, **changes: Any) -> TrainConfig:
        """A copy with the non-None `changes` applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def schedule_hash(self) -> str:
        """Hash of the fields a resumed run must share with the original run."""
        d = {
            k: v
            for k, v in self.to_dict().items()
            if k not in RUNTIME_FIELDS and (k not in ADDED_FIELDS or v != ADDED_FIELDS[k])
        }
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]

    def schedule_diff(self, other: TrainConfig) -> list[str]:
        a, b = self.to_dict(), other.to_dict()
        return [k for k in a if k not in RUNTIME_FIELDS and a[k] != b[k]]


_FIELDS = {sf.name: sf for sf in fields_of(TrainConfig)}


PRESETS: dict[str, TrainConfig] = {
    # The paper: the seed's recipe (SEED_METHOD.md section 2) on mass patches, in fp32 as the
    # seed trained. The dataclass defaults are the app's own (every lesion type, bf16 on CUDA).
    "alyafi2020": TrainConfig(lesion_types=PRESET_LESION_TYPES["alyafi2020"], amp="off"),
    # Classic DCGAN (Radford et al.): beta1 0.5, hard labels, constant learning rates.
    "dcgan": TrainConfig(
        preset="dcgan",
        betas=(0.5, 0.999),
        lr_gamma=1.0,
        real_label_min=1.0,
        real_label_max=1.0,
        epochs=25,
    ),
    # Learns recognisable masses and calcification clusters (every lesion type of the demo's
    # ~30 training lesions) on a CPU: twice tiny's width, a faster rate, 300 epochs (2 steps each there).
    "cpu": TrainConfig(
        preset="cpu",
        batch_size=16,
        epochs=300,
        lr_g=5e-4,
        lr_d=5e-4,
        sample_every=50,
        metrics_every=5,
        checkpoint_every=25,
        keep_last=2,
        eval_every=25,
        eval_samples=256,
    ),
    # Tens to thousands of lesions (mini-MIAS 58 masses, INbreast ~100, CBIS-DDSM ~1,700):
    # DiffAugment's four grey-level operations at its strengths, adapted by ADA, resize
    # upsampling (the model preset's), more epochs (a small set has few steps per epoch).
    "small-data": TrainConfig(
        preset="small-data",
        batch_size=32,
        epochs=1000,
        aug_translate=0.125,
        aug_cutout=0.5,
        aug_brightness=64.0,
        aug_contrast=0.5,
        ada=True,
        sample_every=200,
        checkpoint_every=50,
        eval_every=50,
        eval_samples=500,
    ),
    # Tests only: the smallest model that runs the whole pipeline in seconds. Its samples stay
    # grey noise (a collapse warning says so); use `cpu` to see lesions on a CPU.
    "tiny": TrainConfig(
        preset="tiny",
        batch_size=16,
        epochs=5,
        sample_every=20,
        metrics_every=5,
        checkpoint_every=1,
        keep_last=2,
        eval_every=1,
        eval_samples=64,
    ),
}


def preset_config(name: str, **changes: Any) -> TrainConfig:
    if name not in PRESETS:
        raise InputError(
            f"unknown training preset {name!r}; choose one of {', '.join(sorted(PRESETS))}"
        )
    return PRESETS[name].with_(**changes)


def load_config_file(path: str, **changes: Any) -> TrainConfig:
    """A TrainConfig from a JSON file (a `config.json` of a run works: its 'train' entry)."""
    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the configuration ({exc})", path) from None
    if isinstance(d, dict) and isinstance(d.get("train"), dict):
        d = d["train"]
    if not isinstance(d, dict):
        raise InputError("the configuration must be a JSON object", path)
    base = preset_config(d["preset"]).to_dict() if d.get("preset") in PRESETS else {}
    try:
        return TrainConfig.from_dict({**base, **d}).with_(**changes)
    except InputError as exc:
        raise InputError(exc.reason, path) from None
