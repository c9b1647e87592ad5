"""Render a planned image to 12-bit pixels, and map its findings to stored coordinates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lesions import Placed, draw
from .parenchyma import render_tissue
from .plan import ImagePlan
from .texture import upsample2

MAX_VALUE = 4095  # BitsStored 12
SKIN_MM = 0.8
NOISE = 0.004  # detector noise, in display units (about 16 of 4095)


@dataclass(frozen=True)
class Rendered:
    pixels: np.ndarray  # uint16, stored values (already inverted for MONOCHROME1)
    window_center: int  # in stored values
    window_width: int


def render_tissue_and_lesions(
    plan: ImagePlan, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(intensity, air): float32 display units (0..1, bright = dense) and the bool air mask,
    at full resolution in canonical orientation (chest wall on the left)."""
    rows, cols = plan.rows, plan.cols
    skin = SKIN_MM / plan.spacing_mm / min(plan.shape.a, plan.shape.b)
    low, d_low = render_tissue(plan.shape, rng, ((rows + 1) // 2, (cols + 1) // 2), skin)
    img = upsample2(low, (rows, cols))
    air = upsample2(d_low, (rows, cols)) >= 1
    for placed in plan.findings:
        draw(img, placed, plan.spacing_mm)
    return img, air


def render(plan: ImagePlan) -> Rendered:
    rng = plan.rng(3)
    img, air = render_tissue_and_lesions(plan, rng)
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(NOISE)
    # Air is exactly 0 and tissue at least 1, so `image > 0` is the breast mask.
    np.clip(img, 0, 1, out=img)
    img *= np.float32(MAX_VALUE - 1)
    img += np.float32(1.5)
    pixels = img.astype(np.uint16)
    pixels[air] = 0
    low_v, high_v = _window(pixels, air)
    if plan.mirrored:
        pixels = np.ascontiguousarray(pixels[:, ::-1])
    if plan.patient.monochrome1:
        np.subtract(MAX_VALUE, pixels, out=pixels)  # stored inverted; a viewer flips it back
        low_v, high_v = MAX_VALUE - high_v, MAX_VALUE - low_v
    return Rendered(pixels, round((low_v + high_v) / 2), max(2, high_v - low_v))


def _window(pixels: np.ndarray, air: np.ndarray) -> tuple[int, int]:
    """A window from just below the darkest tissue (so windowing keeps tissue above 0) to the
    bright end of the breast, where calcifications saturate as on a reading screen."""
    darkest = int(np.where(air, MAX_VALUE, pixels).min()) if air.size else 0
    sample = pixels[::4, ::4]
    sample = sample[sample > 0]
    if sample.size == 0:
        return 0, MAX_VALUE
    low = max(0, darkest - 64)
    return low, max(low + 2, int(np.percentile(sample, 99.9) * 1.05))


def stored_geometry(plan: ImagePlan, placed: Placed) -> tuple[int, int, int]:
    """(cx, cy, r) of a finding in stored pixel coordinates (mirrored for right breasts)."""
    cx = plan.cols - 1 - placed.x if plan.mirrored else placed.x
    return cx, placed.y, placed.r
