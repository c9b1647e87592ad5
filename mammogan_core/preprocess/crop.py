"""Cut one window out of an image (padding past the borders), resize it, quantise it."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .normalise import Intensity, unit_to_uint8, unit_to_uint16

PAD_MODES = ("constant", "reflect")


def crop_unit(
    image: np.ndarray,
    window: tuple[int, int, int, int],
    intensity: Intensity,
    pad: str = "constant",
) -> np.ndarray:
    """The window (x0, y0, x1, y1; half-open, may extend past the image) as float32 in [0, 1].

    Only the crop is converted, never the whole image. Past the borders: "constant" pads with
    black (0 after normalisation), "reflect" mirrors the image, so a lesion at the border still
    gives a centred patch.
    """
    x0, y0, x1, y1 = (int(v) for v in window)
    rows, cols = image.shape
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, cols), min(y1, rows)
    if cx0 >= cx1 or cy0 >= cy1:  # wholly outside: nothing to reflect
        return np.zeros((y1 - y0, x1 - x0), np.float32)
    unit = intensity.unit(image[cy0:cy1, cx0:cx1])
    widths = ((cy0 - y0, y1 - cy1), (cx0 - x0, x1 - cx1))
    if any(w for pair in widths for w in pair):
        if pad == "reflect":
            unit = np.pad(unit, widths, mode="reflect" if min(unit.shape) > 1 else "edge")
        else:
            unit = np.pad(unit, widths, mode="constant", constant_values=0.0)
    return unit


def resize_unit(unit: np.ndarray, size: int) -> np.ndarray:
    """Resize to size x size, bilinear (antialiased when shrinking, like the seed's
    skimage `resize(order=1, anti_aliasing=True)`)."""
    if unit.shape == (size, size):
        return unit
    img = Image.fromarray(np.ascontiguousarray(unit, np.float32))
    out = np.asarray(img.resize((size, size), Image.Resampling.BILINEAR), np.float32)
    return np.clip(out, 0.0, 1.0)


def cut_patch(
    image: np.ndarray,
    window: tuple[int, int, int, int],
    intensity: Intensity,
    size: int,
    pad: str = "constant",
    uint16: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The patch as uint8 (and uint16 when asked), size x size."""
    unit = resize_unit(crop_unit(image, window, intensity, pad), size)
    return unit_to_uint8(unit), (unit_to_uint16(unit) if uint16 else None)
