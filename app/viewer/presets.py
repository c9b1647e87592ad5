"""Window presets for number keys 1-4: the file's own window, the full range, and two
tissue-oriented windows taken from the breast's value distribution (so they work for 8-bit
PGMs and 14-bit DICOMs alike)."""

from __future__ import annotations

import numpy as np

Preset = tuple[str, float, float]  # name, centre, width


def _window(lo: float, hi: float) -> tuple[float, float]:
    return (lo + hi) / 2, max(hi - lo, 1.0)


def window_presets(
    pixels: np.ndarray, file_center: float | None = None, file_width: float | None = None
) -> list[Preset]:
    step = max(1, max(pixels.shape) // 1024)  # about a million samples: percentiles in ms
    sample = pixels[::step, ::step]
    lo, hi = float(sample.min()), float(sample.max())
    tissue = sample[sample > lo]
    if tissue.size == 0:
        tissue = sample.ravel()
    p = np.percentile(tissue, [1, 50, 60, 99.8])
    if file_center is not None and file_width:
        first = ("File window", float(file_center), float(file_width))
    else:
        first = ("Auto (1-99.8%)", *_window(p[0], p[3]))
    return [
        first,
        ("Full range", *_window(lo, hi)),
        ("Dense tissue", *_window(p[1], p[3])),
        ("Fatty tissue", *_window(p[0], p[2])),
    ]
