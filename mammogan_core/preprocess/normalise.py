"""Intensity normalisation: a linear map of raw pixel values to [0, 1], then to uint8 / uint16.

The window (lo, hi) is fitted once on the whole image, but only the crops that become patches are
converted: a full-image float copy of a 3328 x 4084 mammogram costs more than decoding it.

Presets:
- "minmax": the seed's "histogram normalisation", per-image `(img - min) / (max - min)`, rounded
  to uint8 (the authors' code rounds with `np.round(...).astype(np.uint8)`).
- "percentile": the low / high percentiles (default 0.5 / 99.5) of the pixels inside the breast,
  so a marker or a burnt-in label does not squash the tissue contrast.
- "window": the DICOM VOI window (the first WindowCenter / WindowWidth, with the file's
  VOILUTFunction LINEAR, LINEAR_EXACT or SIGMOID; PS3.3 C.11.2.1.2). A VOILUTSequence table is
  not used here: read such files with `read_image(path, voi="dicom")` for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import MammoganError
from ..io.voi import VOI_FUNCTIONS, apply_window
from .breast_mask import BreastMask

PRESETS = ("minmax", "percentile", "window")


@dataclass(frozen=True)
class Intensity:
    """Raw values in [lo, hi] map linearly to [0, 1], clipped outside; with `sigmoid`, the
    DICOM SIGMOID function of centre (lo + hi) / 2 and width hi - lo."""

    lo: float
    hi: float
    sigmoid: bool = False

    def unit(self, pixels: np.ndarray) -> np.ndarray:
        """float32 in [0, 1] (float32: a float64 copy of a crop is twice the memory traffic)."""
        if self.sigmoid:
            return apply_window(pixels, (self.lo + self.hi) / 2, self.hi - self.lo, "SIGMOID")
        span = self.hi - self.lo
        if span <= 0:  # a flat image, or a LINEAR window of width 1: a step
            return (pixels > self.lo).astype(np.float32)
        # one float32 buffer, in place: the same values as (x - lo) * (1 / span) in float32
        out = np.subtract(pixels, np.float32(self.lo), dtype=np.float32)
        np.multiply(out, np.float32(1.0 / span), out=out)
        return np.clip(out, 0.0, 1.0, out=out)


def unit_to_uint8(unit: np.ndarray) -> np.ndarray:
    return np.round(unit * 255.0).astype(np.uint8)


def unit_to_uint16(unit: np.ndarray) -> np.ndarray:
    """The same window as uint8, kept at 16-bit precision (the uint16 patch-store variant)."""
    return np.round(unit * 65535.0).astype(np.uint16)


def fit_intensity(
    image: np.ndarray,
    preset: str,
    *,
    mask: BreastMask | None = None,
    percentiles: Sequence[float] = (0.5, 99.5),
    window: tuple[float | None, float | None, str | None] | None = None,
    known_max: float | None = None,
) -> Intensity:
    """The window of `image` for `preset`.

    mask: the breast mask; percentiles are taken on its sampling grid (about 50K pixels inside
        the breast: the same estimate as sorting all 13.6M pixels, hundreds of times cheaper).
    window: (WindowCenter, WindowWidth, VOILUTFunction) from the header, for "window".
    known_max: `image.max()` when the caller already has it (the decoder's check of the
        unused high bits computes it): "minmax" then needs no full pass at all.
    """
    if preset == "minmax":
        top = float(image.max()) if known_max is None else float(known_max)
        return Intensity(_exact_min(image, mask), top)
    if preset == "percentile":
        sample = image if mask is None else image[:: mask.factor, :: mask.factor][mask.grid]
        lo, hi = np.percentile(sample if sample.size else image, [float(p) for p in percentiles])
        return Intensity(float(lo), float(hi))
    if preset == "window":
        center, width, function = window if window is not None else (None, None, None)
        function = (function or "LINEAR").upper()
        if center is None or width is None or width < 1 or function not in VOI_FUNCTIONS:
            raise MammoganError(
                "the image has no usable VOI window (WindowCenter/WindowWidth, function "
                f"{function}); use the minmax or percentile normalisation"
            )
        if function == "SIGMOID":
            return Intensity(center - width / 2, center + width / 2, sigmoid=True)
        if function == "LINEAR_EXACT":
            return Intensity(center - width / 2, center + width / 2)
        half = (width - 1.0) / 2.0
        return Intensity(center - 0.5 - half, center - 0.5 + half)
    raise ValueError(f"unknown normalisation {preset!r}; choose one of {', '.join(PRESETS)}")


def _exact_min(image: np.ndarray, mask: BreastMask | None) -> float:
    """The image minimum. An unsigned image whose sampled grid already holds a 0 (the usual
    background) has minimum 0: one full pass over the image saved, the result still exact."""
    if (
        mask is not None
        and image.dtype.kind == "u"
        and not image[:: mask.factor, :: mask.factor].all()
    ):
        return 0.0
    return float(image.min())
