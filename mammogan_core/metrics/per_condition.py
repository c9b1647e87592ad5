"""`mammogan evaluate` of a conditional generator: the metrics once per condition, each
condition's samples against the run's training patches of that condition."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import torch

from ..control import Control
from ..events import Event, Log
from ..training.data import patch_conditions
from ..workspace import Workspace
from .measure import MIN_SAMPLES, measure
from .registry import spec
from .samples import sample_patches


def per_condition(
    ws: Workspace,
    g: Any,
    ids: list[int],
    n: int,
    seed: int,
    inception: Path | None,
    device: torch.device,
    control: Control,
) -> Generator[Event, None, tuple[dict[str, Any], ...]]:
    """One row per condition of g's vocabulary (none for an unconditional g): n samples of it
    against its training patches; a condition with too few of them is reported, unmeasured."""
    if not g.conditions:
        return ()
    names = patch_conditions(ws, ids)
    rows: list[dict[str, Any]] = []
    for k, condition in enumerate(g.conditions):
        mine = [i for i, c in zip(ids, names) if c == condition]
        row: dict[str, Any] = {"condition": condition, "n_real": len(mine), "n_fake": n}
        if len(mine) < MIN_SAMPLES:
            rows.append({**row, "skipped": f"fewer than {MIN_SAMPLES} training patches"})
            yield Log(f"{condition}: {len(mine)} training patches, too few to measure")
            continue
        fake = sample_patches(g, n, seed, device, control, condition=k)
        real = ws.patch_pixels(mine, "uint8")
        m = yield from measure(
            real, fake, inception=inception, device=device, control=control, seed=seed
        )
        # the same shape as the run's own figures: value, interval and floor in the shown unit
        row["metrics"] = {name: e.to_dict(spec(name)) for name, e in m.estimates.items()}
        rows.append(row)
        shown = ", ".join(
            f"{spec(name).label} {spec(name).text(e.value)}" for name, e in m.estimates.items()
        )
        yield Log(f"{condition} ({len(mine)} real, {n} synthetic): {shown}")
    return tuple(rows)
