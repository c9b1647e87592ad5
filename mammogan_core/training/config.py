"""Training configuration: every hyperparameter in one dataclass, and named presets.

No torch import here: the GUI builds configs before torch is loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from ..annotations.schema import PATHOLOGIES
from ..errors import InputError

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
    }
)

# Fields added after runs were recorded, with the value those runs had: left out of the schedule
# hash while they hold it, so that such runs still resume.
ADDED_FIELDS: dict[str, Any] = {"pathology": None}


@dataclass(frozen=True)
class TrainConfig:
    # model (nz/ngf/ndf None = the preset's value)
    preset: str = "alyafi2020"
    nz: int | None = None
    ngf: int | None = None
    ndf: int | None = None
    # optimisation (the seed's recipe)
    batch_size: int = 64
    epochs: int = 100
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.0, 0.999)
    lr_step_d: int = 8  # StepLR: D's rate times lr_gamma every lr_step_d epochs
    lr_step_g: int = 10
    lr_gamma: float = 0.99
    real_label_min: float = 0.7  # one-sided smoothing: real label ~ U(min, max) once per epoch
    real_label_max: float = 1.0
    flip_h: bool = True
    flip_v: bool = True
    seed: int = 0
    # data: which patches of the workspace
    label: str = "lesion"
    lesion_types: tuple[str, ...] | None = None
    pathology: tuple[str, ...] | None = None  # benign / malignant / unknown; None = all
    split: str | None = "train"
    # bookkeeping
    sample_every: int = 500  # steps between fixed-noise sample grids
    metrics_every: int = 10  # steps per StepMetrics event (metrics are averaged over them)
    checkpoint_every: int = 10
    checkpoint_unit: str = "epochs"  # "epochs" | "steps"
    keep_last: int = 3
    # best.pt: a registered evaluator ("fid", as the seed) or "<StepMetrics key>_ema". A GAN's
    # losses do not measure image quality (the lowest G loss is often an early, blank G): until
    # an evaluator is registered, 'best' falls back to the last checkpoint.
    best_metric: str = "fid"
    best_mode: str = "min"  # "min" | "max"
    # speed
    device: str = "auto"  # auto | cuda | cuda:N | mps | cpu
    amp: str = "auto"  # auto (bf16 on CUDA only) | bf16 | off
    channels_last: str = "auto"  # auto (CUDA without compile) | on | off
    compile: str = "off"  # off | default | reduce-overhead (falls back to eager on failure)
    deterministic: bool = False  # torch.use_deterministic_algorithms during the run

    def __post_init__(self) -> None:
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))
        for name in ("lesion_types", "pathology"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))
        self.validate()

    def validate(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise InputError(f"invalid training configuration: {msg}")

        need(self.batch_size >= 1, "batch_size must be >= 1")
        need(self.epochs >= 1, "epochs must be >= 1")
        need(
            0.0 <= self.real_label_min <= self.real_label_max <= 1.0,
            "need 0 <= real_label_min <= real_label_max <= 1",
        )
        need(len(self.betas) == 2, "betas must be two numbers")
        need(
            min(self.sample_every, self.metrics_every, self.checkpoint_every, self.keep_last) >= 1,
            "sample_every, metrics_every, checkpoint_every and keep_last must be >= 1",
        )
        need(self.checkpoint_unit in ("epochs", "steps"), "checkpoint_unit is 'epochs' or 'steps'")
        need(self.best_mode in ("min", "max"), "best_mode is 'min' or 'max'")
        need(
            self.pathology is None
            or (bool(self.pathology) and set(self.pathology) <= set(PATHOLOGIES)),
            f"pathology is one or more of {', '.join(PATHOLOGIES)} (got {_listed(self.pathology)})",
        )
        need(self.amp in ("auto", "bf16", "off"), "amp is auto, bf16 or off")
        need(self.channels_last in ("auto", "on", "off"), "channels_last is auto, on or off")
        need(
            self.compile in ("off", "default", "reduce-overhead"),
            "compile is off, default or reduce-overhead",
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["betas"] = list(self.betas)
        for name in ("lesion_types", "pathology"):
            d[name] = None if d[name] is None else list(d[name])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise InputError(f"unknown training option(s): {', '.join(sorted(unknown))}")
        return cls(**d)

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


def _listed(values: tuple[str, ...] | None) -> str:
    return ", ".join(values) if values else "nothing"


PRESETS: dict[str, TrainConfig] = {
    # The paper: the seed's recipe (SEED_METHOD.md section 2) on mass patches, in fp32 as the
    # seed trained. The dataclass defaults are the app's own (every lesion type, bf16 on CUDA).
    "alyafi2020": TrainConfig(lesion_types=("mass",), amp="off"),
    # Classic DCGAN (Radford et al.): beta1 0.5, hard labels, constant learning rates.
    "dcgan": TrainConfig(
        preset="dcgan",
        betas=(0.5, 0.999),
        lr_gamma=1.0,
        real_label_min=1.0,
        real_label_max=1.0,
        epochs=25,
    ),
    # Learns recognisable masses and calcification clusters from the demo's ~30 training
    # lesions on a CPU: twice tiny's width, a faster rate, 300 epochs (2 steps each there).
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
    except TypeError as exc:
        raise InputError(f"invalid configuration ({exc})", path) from None
