"""DICOM windowing (VOI) in float32, mapped to [0, 1].

pydicom's `apply_windowing` works in float64 with boolean masks: for a 4096 x 5625 mammogram that
is several 184 MB temporaries. The formulas here are the same (PS3.3 C.11.2.1.2 / C.11.2.1.3), in
place on one float32 copy.
"""

from __future__ import annotations

import numpy as np

VOI_FUNCTIONS = ("LINEAR", "LINEAR_EXACT", "SIGMOID")


def apply_window(
    pixels: np.ndarray, center: float, width: float, function: str = "LINEAR"
) -> np.ndarray:
    """Window `pixels` to float32 in [0, 1] (0 = below the window). Raises ValueError on bad input."""
    function = (function or "LINEAR").upper()
    if function not in VOI_FUNCTIONS:
        raise ValueError(f"unsupported VOI LUT function {function!r}")
    if function == "LINEAR":
        if width < 1:
            raise ValueError(f"window width {width} < 1 for a LINEAR window")
        center, width = center - 0.5, width - 1
        if width == 0:  # a step at the centre
            return (pixels > center).astype(np.float32)
    elif width <= 0:
        raise ValueError(f"window width {width} <= 0")
    x = pixels.astype(np.float32)
    x -= np.float32(center)
    if function == "SIGMOID":
        x *= np.float32(-4.0 / width)
        with np.errstate(over="ignore"):  # exp overflow -> inf -> 1/inf = 0, which is right
            np.exp(x, out=x)
        x += 1
        return np.reciprocal(x, out=x)
    x /= np.float32(width)
    x += 0.5
    return np.clip(x, 0.0, 1.0, out=x)


def mirror_center(center: float, offset: float, function: str | None) -> float:
    """Window centre that gives the same picture after pixels became `offset - pixels`.

    LINEAR windows are centred on `center - 0.5`, so their mirror is shifted by one.
    """
    return offset - center + (1.0 if (function or "LINEAR").upper() == "LINEAR" else 0.0)
