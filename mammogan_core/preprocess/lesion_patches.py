"""Lesion patches: the crop window of a finding's bounding box.

The seed crops the box and resizes it to 128 x 128 whatever its aspect ratio (`shape="stretch"`);
our default, `shape="square"`, pads the box to a square around its centre so the lesion keeps
its aspect ratio. `scale="fixed"` ignores the box size instead: the window covers
`size * mm_per_px` millimetres around the lesion centre (PixelSpacing needed), so every patch
has the same physical scale. Boxes larger than `max_lesion_px` in height or width are skipped,
as in the seed (750 px).

Box ends: the catalogue's boxes are pixel edges (x1, y1 exclusive); the seed reads OPTIMAM's X2, Y2
as the last pixel of the lesion (`box_ends="inclusive"`: one pixel more each way).

At the image border (`border="shift"`, ours and the seed's: its box crops never leave the image)
the window is moved inside the image rather than padded, so no patch shows black bars that a GAN
would learn to draw; it is padded only along an axis where it is longer than the image.
`border="pad"` keeps the window centred on the lesion and pads past the border.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import MammoganError
from ..workspace import PATCH_SIZE

SHAPES = ("square", "stretch")
SCALES = ("box", "fixed")
BOX_ENDS = ("exclusive", "inclusive")
BORDERS = ("shift", "pad")


@dataclass(frozen=True)
class LesionWindowOptions:
    shape: str = "square"
    scale: str = "box"
    mm_per_px: float | None = None  # for scale="fixed"
    margin: float = 0.0  # fraction of the box side added on each side (scale="box")
    max_lesion_px: int = 750  # 0: no limit
    size: int = PATCH_SIZE
    box_ends: str = "exclusive"
    border: str = "shift"


def pixel_box(
    box: tuple[float, float, float, float], box_ends: str
) -> tuple[float, float, float, float]:
    """The box as pixel edges (x1, y1 exclusive)."""
    x0, y0, x1, y1 = box
    return (x0, y0, x1 + 1, y1 + 1) if box_ends == "inclusive" else box


def shift_inside(
    window: tuple[int, int, int, int], rows: int, cols: int
) -> tuple[int, int, int, int]:
    """The window moved inside a rows x cols image; along an axis where it is longer than the
    image it is centred on the image (padded evenly on both sides)."""

    def axis(lo: int, hi: int, extent: int) -> tuple[int, int]:
        side = hi - lo
        if side > extent:
            lo = -((side - extent) // 2)
        else:
            lo = min(max(lo, 0), extent - side)
        return lo, lo + side

    x0, x1 = axis(window[0], window[2], cols)
    y0, y1 = axis(window[1], window[3], rows)
    return x0, y0, x1, y1


def padding(window: tuple[int, int, int, int], rows: int, cols: int) -> tuple[int, int, int, int]:
    """Pixels of the window past the left, top, right and bottom borders."""
    x0, y0, x1, y1 = window
    return max(-x0, 0), max(-y0, 0), max(x1 - cols, 0), max(y1 - rows, 0)


def too_large(box: tuple[float, float, float, float], max_lesion_px: int) -> bool:
    """For a box as pixel edges (see `pixel_box`)."""
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
    image_shape: tuple[int, int] | None = None,
) -> tuple[int, int, int, int]:
    """The half-open crop window (x0, y0, x1, y1) in source pixels of a box as pixel edges.
    With `image_shape` (rows, cols) and `border="shift"` it is moved inside the image;
    otherwise it may extend past the borders (the crop is padded there)."""
    window = _window(box, opts, spacing_mm)
    if image_shape is not None and opts.border == "shift":
        return shift_inside(window, *image_shape)
    return window


def _window(
    box: tuple[float, float, float, float], opts: LesionWindowOptions, spacing_mm: float | None
) -> tuple[int, int, int, int]:
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
