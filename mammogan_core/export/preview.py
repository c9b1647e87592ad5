"""What the Export panel shows before anything is written: the counts per split, class and
origin, and a few real and synthetic images as the export will hold them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..control import Control
from ..events import Event, Finished, Result, SampleGrid
from ..workspace import Workspace
from .options import ExportSettings
from .plan import plan_export

SHOWN = 8  # images of each kind in the sample grid


@dataclass(frozen=True)
class ExportPreview(Result):
    counts: dict[str, dict[str, dict[str, int]]]
    images: int
    run: str  # the generator's run ('' for none or a weights file)
    warnings: tuple[str, ...]


def preview_export(ws: Workspace, settings: ExportSettings, control: Control) -> Iterator[Event]:
    """SampleGrid 'real' (the first real images), 'fake' (the first synthetic ones, when the
    export has some), then Finished(ExportPreview)."""
    plan = plan_export(ws, settings)
    real = [it.patch_id for it in plan.items if it.origin == "real"][:SHOWN]
    yield SampleGrid(0, tile(ws.patch_pixels(real)), "real")
    synthetic = sum(1 for it in plan.items if it.origin == "synthetic")
    if plan.source is not None:
        from .synthetic import synthetic_images  # imports torch

        images = synthetic_images(
            plan.source, min(SHOWN, synthetic), settings.seed, settings.device, "uint8", control
        )
        yield SampleGrid(0, tile(np.stack(list(images))), "fake")
    run = plan.source.run if plan.source else ""
    yield Finished(ExportPreview(plan.counts(), len(plan.items), run, plan.warnings))


def tile(images: np.ndarray, cols: int = 4) -> np.ndarray:
    """N x H x W uint8 -> one grid image at half size, 2 px of black between the tiles."""
    if not len(images):
        return np.zeros((1, 1), np.uint8)
    half = images.reshape(len(images), images.shape[1] // 2, 2, images.shape[2] // 2, 2)
    small = half.mean(axis=(2, 4)).round().astype(np.uint8)
    rows = -(-len(small) // cols)
    h, w = small.shape[1:]
    grid = np.zeros((rows * (h + 2) - 2, cols * (w + 2) - 2), np.uint8)
    for i, img in enumerate(small):
        r, c = divmod(i, cols)
        grid[r * (h + 2) : r * (h + 2) + h, c * (w + 2) : c * (w + 2) + w] = img
    return grid
