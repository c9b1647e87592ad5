"""The breast / background threshold of a MONOCHROME2 mammogram, chosen from its histogram.

Triangle on the background peak, with Otsu only to say which peak is the background:
- Otsu alone splits the histogram where the two classes are most separated. On a breast with a
  wide range of densities that split falls inside the tissue (fat vs gland), and the fatty
  periphery, as dark as thin tissue at the skin, is lost.
- The triangle method (Zack et al. 1977) finds the foot of one peak: the point farthest below the
  line from the peak to the bright end. From the background peak that is where air ends:
  a few noise widths above it on film (background 10-40 with grain), the first value above 0 on a
  digital image (a spike at 0, then nothing up to the skin). It is the standard choice for
  skewed histograms with one dominant peak, which a mammogram's background is.
- Its weakness is taking the wrong peak: when the breast fills most of the film, the fat peak
  can be the tallest. The background is on the dark side of the Otsu split, and the darkest
  major peak there: the peak is the first bin with at least half the tallest count below
  Otsu's threshold (the triangle then walks over the rest of that peak to its foot).
Both run on a 256-bin histogram of the mask's sampled grid (about 65K values): about a millisecond.
"""

from __future__ import annotations

import numpy as np

BINS = 256


def histogram(sample: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Counts of `sample` in at most BINS bins from its minimum, and (lo, bin width).
    Integer images get integer-wide bins, so a bin edge never splits one grey level."""
    lo, hi = sample.min(), sample.max()
    if sample.dtype.kind in "ui":
        width = max(1, -(-(int(hi) - int(lo) + 1) // BINS))
        # one count per grey level (a bincount: no float copy), then summed into bins
        levels = np.bincount((sample.astype(np.int64, copy=False) - int(lo)).ravel())
        counts = np.zeros(BINS * width)
        counts[: len(levels)] = levels
        return counts.reshape(BINS, width).sum(axis=1), float(lo), float(width)
    width = (float(hi) - float(lo)) / BINS or 1.0
    index = np.minimum(((sample - lo) / width).astype(np.int64), BINS - 1)
    return np.bincount(index.ravel(), minlength=BINS).astype(np.float64), float(lo), width


def otsu_bin(counts: np.ndarray) -> int:
    """First bin of the bright class that maximises the between-class variance."""
    levels = np.arange(len(counts), dtype=np.float64)
    w0 = np.cumsum(counts)[:-1]
    w1 = counts.sum() - w0
    m0 = np.cumsum(counts * levels)[:-1]
    m1 = (counts * levels).sum() - m0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = w0 * w1 * (m0 / w0 - m1 / w1) ** 2
    return int(np.nanargmax(np.where((w0 > 0) & (w1 > 0), between, np.nan))) + 1


def triangle_bin(counts: np.ndarray, peak: int) -> int:
    """The first bin above the foot of the peak at `peak`: the bin farthest below the line from
    the peak to the last non-empty bin. Both axes scaled to 0..1, so the result does not depend
    on the image size or the bin width."""
    last = int(np.nonzero(counts)[0][-1])
    if last <= peak + 1:
        return last
    x = np.arange(peak, last + 1, dtype=np.float64)
    h = counts[peak : last + 1] / counts[peak]
    line = 1.0 - (x - peak) / (last - peak)
    return peak + int(np.argmax(line - h))


def auto_threshold(sample: np.ndarray) -> float | None:
    """The lowest breast value: pixels >= it are foreground. None when the sample holds one
    grey level only (nothing to separate: no breast)."""
    levels = auto_levels(sample)
    return None if levels is None else levels[1]


def auto_levels(sample: np.ndarray) -> tuple[float, float] | None:
    """(the background peak's value, the lowest breast value), or None as auto_threshold."""
    counts, lo, width = histogram(sample)
    if np.count_nonzero(counts) < 2:
        return None
    dark = counts[: otsu_bin(counts)]
    peak = int(np.argmax(dark >= dark.max() / 2))
    return lo + peak * width, lo + triangle_bin(counts, peak) * width
