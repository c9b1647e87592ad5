"""Synthetic patches from a trained generator: PNG files (uint8, 128 x 128) and a manifest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from ..atomic import atomic_write_bytes, atomic_write_json
from ..control import Control, Stopped
from ..errors import InputError
from ..events import Event, Finished, Progress
from ..export.plan import file_sha256
from ..models import (
    Generator,
    ModelSpec,
    build_generator,
    condition_index,
    generator_state,
    load_state_strict,
    model_spec,
    read_state_file,
    sample_classes,
)
from ..workspace import PATCH_SIZE, Workspace
from ..workspace.catalogue import utc_now
from .checkpoints import load_checkpoint
from .data import to_uint8
from .results import GenerateResult
from .runs import find_checkpoint

BATCH = 64


def generator_from_run(
    ws: Workspace, run_id: str, which: str = "best"
) -> tuple[Generator, dict[str, Any]]:
    path = find_checkpoint(ws, run_id, which)
    payload = load_checkpoint(path)
    spec = ModelSpec.from_dict(payload["model"])
    g = build_generator(spec)
    load_state_strict(g, payload["generator"], path, spec.preset)
    return g.eval(), {
        "run": run_id,
        "checkpoint": ws.rel(path),
        "sha256": file_sha256(path),
        "step": int(payload["step"]),
        "model": spec.to_dict(),
    }


def generator_from_file(
    path: str | Path, preset: str = "alyafi2020"
) -> tuple[Generator, dict[str, Any]]:
    """An external state dict (e.g. medigan's `malign_mass_gen`), an exported generator (a
    folder, or its generator.pt: its config.json names the architecture) or one of our
    checkpoints (its own model spec wins over `preset`)."""
    from .generator_package import package_of, package_spec

    path, package = package_of(path)
    obj = read_state_file(path)
    if package is not None:
        spec = package_spec(package)
    elif isinstance(obj.get("model"), dict):
        spec = ModelSpec.from_dict(obj["model"])
    else:
        spec = model_spec(preset)
    g = build_generator(spec)
    load_state_strict(g, generator_state(obj, path), path, spec.preset)
    digest = file_sha256(path)
    return g.eval(), {
        **({"run": package["source"]["run"]} if package else {}),
        "weights": str(Path(path).resolve()),
        "sha256": digest,
        "model": spec.to_dict(),
    }


def sample_batches(
    g: Generator,
    n: int,
    seed: int,
    device: torch.device,
    control: Control,
    condition: str | None = None,
) -> Iterator[torch.Tensor]:
    """`n` samples in batches of BATCH, as [-1, 1] floats (count x 1 x H x W) on the host.
    z ~ N(0, 1) is drawn on the CPU from `seed`, so a seed gives the same images on any device,
    and sample i is the same in `mammogan generate` and in an export. A conditional generator
    draws `condition` ('mass/malignant'), or without one its conditions in turn."""
    index = condition_index(g, condition)
    g = g.to(device).eval()
    noise = torch.Generator().manual_seed(seed)
    for start in range(0, n, BATCH):
        control.check()
        z = torch.randn(min(BATCH, n - start), g.nz, 1, 1, generator=noise).to(device)
        with torch.no_grad():
            yield g(z, sample_classes(g, start, len(z), index, device)).float().cpu()


def generate_pngs(
    g: Generator,
    n: int,
    out: str | Path,
    seed: int,
    device: torch.device,
    control: Control,
    source: dict[str, Any],
    condition: str | None = None,
) -> Iterator[Event]:
    """Write `n` samples as out/sample_00000.png ..., then out/manifest.json (last, atomically).
    z ~ N(0, 1) is drawn on the CPU from `seed`, so a seed gives the same images on any device.
    Each PNG is marked synthetic in its own tEXt chunks, as an export's are (export/marks.py)."""
    from ..export.plan import SyntheticSource
    from ..export.writers import png_bytes

    weights = Path(source.get("weights", ""))
    mark = SyntheticSource(
        weights,
        source.get("run", ""),
        source.get("checkpoint", weights.name),
        source["sha256"],
        "",
        "",
    )
    if n < 1:
        raise InputError(f"--n must be at least 1 (got {n})")
    condition_index(g, condition)  # an unknown condition is refused before anything is written
    out = Path(out).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder", out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    status = "finished"
    try:
        for batch in sample_batches(g, n, seed, device, control, condition):
            for img in to_uint8(batch).numpy()[:, 0]:
                path = out / f"sample_{len(files):05d}.png"
                atomic_write_bytes(path, png_bytes(img, mark))
                files.append(str(path))
            yield Progress(len(files), n, unit="images")
    except Stopped:
        status = "stopped"
    atomic_write_json(
        out / "manifest.json",
        {
            "created_at": utc_now(),
            "n": len(files),
            "seed": seed,
            **({"condition": condition} if condition else {}),
            "size": [PATCH_SIZE, PATCH_SIZE],
            "dtype": "uint8",
            "source": source,
            "files": [Path(f).name for f in files],
        },
    )
    yield Finished(GenerateResult(status, len(files), str(out), tuple(files)))
