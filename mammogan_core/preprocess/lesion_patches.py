"""Lesion patches: the crop window of a finding's bounding box.

The seed crops the box and resizes it to 128 x 128 whatever its aspect ratio (`shape="stretch"`);
our default, `shape="square"`, pads the box to a square around its centre so the lesion keeps
its aspect ratio. `scale="fixed"` ignores the box size instead: the window covers
`size * mm_per_px` millimetres around the lesion centre (PixelSpacing needed), so every patch
has the same physical scale. Boxes larger than `max_lesion_px` in height or width are skipped,
as in the seed (750 px).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import MammoganError

SHAPES = ("square", "stretch")
SCALES = ("box", "fixed")


@dataclass(frozen=True)
class LesionWindowOptions:
    shape: str = "square"
    scale: str = "box"
    mm_per_px: float | None = None  # for scale="fixed"
    margin: float = 0.0  # fraction of the box side added on each side (scale="box")
    max_lesion_px: int = 750  # 0: no limit
    size: int = 128


def too_large(box: tuple[float, float, float, float], max_lesion_px: int) -> bool:
    x0, y0, x1, y1 = box
    return max_lesion_px > 0 and (x1 - x0 > max_lesion_px or y1 - y0 > max_lesion_px)


def _centred(cx: float, cy: float, side: float) -> tuple[int, int, int, int]:
    s = max(1, round(side))
    x0, y0 = math.floor(cx - s / 2 + 0.5), math.floor(cy - s / 2 + 0.5)
    return x0, y0, x0 + s, y0 + s


def fixed_side_px(opts: LesionWindowOptions, spacing_mm: float | None) -> int:
    """Side in source pixels of a window covering `size * mm_per_px` millimetres."""
    if not spacing_mm or spacing_mm <= 0 or not opts.mm_per_px:
        raise MammoganError("a fixed-scale patch needs the image's pixel spacing (mm)")
    return max(1, round(opts.size * opts.mm_per_px / spacing_mm))


def lesion_window(
    box: tuple[float, float, float, float],
    opts: LesionWindowOptions,
    spacing_mm: float | None = None,
) -> tuple[int, int, int, int]:
    """The half-open crop window (x0, y0, x1, y1) in source pixels; it may extend past the
    image borders (the crop is padded there)."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if opts.scale == "fixed":
        return _centred(cx, cy, fixed_side_px(opts, spacing_mm))
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    if opts.shape == "square":
        return _centred(cx, cy, max(w, h) * (1 + 2 * opts.margin))
    mx, my = w * opts.margin, h * opts.margin
    wx0, wy0 = math.floor(x0 - mx), math.floor(y0 - my)
    return wx0, wy0, max(math.ceil(x1 + mx), wx0 + 1), max(math.ceil(y1 + my), wy0 + 1)
