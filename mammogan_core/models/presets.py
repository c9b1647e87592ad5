"""Model presets and the registry `build_models(preset, **overrides) -> (G, D, ModelSpec)`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import torch

from ..errors import InputError
from .dcgan import Discriminator, Generator, init_weights


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild a generator/discriminator pair (saved in checkpoints)."""

    preset: str
    nz: int
    ngf: int
    ndf: int
    g_mult: tuple[int, ...]  # generator widths as multiples of ngf, 4x4 first
    d_mult: tuple[int, ...]  # discriminator widths as multiples of ndf, 64x64 first
    g_act: str = "lrelu"
    d_kernel: int = 6
    upsample: str = "transposed"  # or "resize" (training.config.UPSAMPLE_MODES)
    # the condition vocabulary of a conditional pair ('mass/malignant', ...); () unconditional
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


# The seed's architecture (SEED_METHOD.md section 2); ndf is not published: 45 like ngf.
_SEED = ModelSpec(
    "alyafi2020", nz=200, ngf=45, ndf=45, g_mult=(10, 8, 4, 2, 1), d_mult=(1, 2, 4, 8, 10)
)
MODEL_PRESETS: dict[str, ModelSpec] = {
    "alyafi2020": _SEED,
    # The classic DCGAN of the reference benchmark (ReLU in G, k4 convolutions in D).
    "dcgan": ModelSpec(
        "dcgan",
        nz=100,
        ngf=64,
        ndf=64,
        g_mult=(16, 8, 4, 2, 1),
        d_mult=(1, 2, 4, 8, 16),
        g_act="relu",
        d_kernel=4,
    ),
    # The seed's shape, narrow: the demo and CPU training.
    "cpu": ModelSpec("cpu", nz=32, ngf=8, ndf=8, g_mult=(10, 8, 4, 2, 1), d_mult=(1, 2, 4, 8, 10)),
    # The seed's shape with resize-then-convolve upsampling (no checkerboard): small sets.
    "small-data": replace(_SEED, preset="small-data", upsample="resize"),
    # Narrower still: tests only.
    "tiny": ModelSpec(
        "tiny", nz=32, ngf=4, ndf=4, g_mult=(10, 8, 4, 2, 1), d_mult=(1, 2, 4, 8, 10)
    ),
}


_OVERRIDES = ("nz", "ngf", "ndf", "upsample", "conditions")


def model_spec(preset: str, **overrides: Any) -> ModelSpec:
    """The preset's spec with non-None overrides (nz, ngf, ndf, upsample, conditions)."""
    if preset not in MODEL_PRESETS:
        raise InputError(
            f"unknown model preset {preset!r}; choose one of {', '.join(sorted(MODEL_PRESETS))}"
        )
    unknown = set(overrides) - set(_OVERRIDES)
    if unknown:
        raise InputError(
            f"unknown model option(s) {', '.join(sorted(unknown))}; only {', '.join(_OVERRIDES)}"
        )
    given = {k: v for k, v in overrides.items() if v is not None}
    for k in ("nz", "ngf", "ndf"):
        if k in given:
            given[k] = int(given[k])
    if "conditions" in given:
        given["conditions"] = tuple(given["conditions"])
    spec = replace(MODEL_PRESETS[preset], **given)
    if min(spec.nz, spec.ngf, spec.ndf) < 1:
        raise InputError(
            f"nz, ngf and ndf must be positive (got {spec.nz}, {spec.ngf}, {spec.ndf})"
        )
    return spec


def build_generator(spec: ModelSpec, generator: torch.Generator | None = None) -> Generator:
    g = Generator(
        spec.nz,
        tuple(m * spec.ngf for m in spec.g_mult),
        act=spec.g_act,
        upsample=spec.upsample,
        conditions=spec.conditions,
    )
    init_weights(g, generator)
    return g


def build_discriminator(spec: ModelSpec, generator: torch.Generator | None = None) -> Discriminator:
    d = Discriminator(
        tuple(m * spec.ndf for m in spec.d_mult),
        inner_kernel=spec.d_kernel,
        n_classes=len(spec.conditions),
    )
    init_weights(d, generator)
    return d


def build_models(
    preset: str | ModelSpec, generator: torch.Generator | None = None, **overrides: Any
) -> tuple[Generator, Discriminator, ModelSpec]:
    """Freshly initialised (G, D) on the CPU for a preset name (or a saved spec)."""
    spec = preset if isinstance(preset, ModelSpec) else model_spec(preset, **overrides)
    return build_generator(spec, generator), build_discriminator(spec, generator), spec


def count_parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
