"""Breast mask: foreground above a threshold, a morphological opening, the largest connected
component, its holes filled.

Two thresholds:
- automatic (the default): chosen from the image's histogram (`mask_threshold.auto_threshold`),
  then an opening that cuts film labels, markers, scanner edge strips and background grain off
  the breast where they touch it through a narrow bridge. It holds on film scans (a noisy
  background at 10-40 of 255) and on digital images (a background at 0) alike.
- manual, `image > threshold`: the seed's rule with 0, without the opening, exactly as before.

The mask is computed on a point-sampled grid (every `factor`-th pixel; the longer side about
256 cells, 16 px on a 4084-row mammogram): labelling a full 3328 x 4084 image takes longer
than decoding it, and the breast outline does not need sub-millimetre precision. The
full-resolution mask is the nearest-neighbour upsampling of that grid. "Wholly inside" is tested
on the grid with an integral image, requiring one more cell on every side (inside the image):
a window that passes lies a grid step inside the sampled outline, so sampling cannot let
background into a normal patch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import ndimage

from .mask_threshold import auto_levels

GRID_SIDE = 256
_EIGHT = np.ones((3, 3), bool)
# The opening's square, in cells (about 6 mm on a 20-24 cm film, 3% of the image side):
# bridges narrower than that (a label's corner on the skin, a strip touching the nipple, a chain
# of grain) are cut; the breast, hundreds of cells across, loses only its sharpest tips.
# A square, as two separable min / max filters: a tenth of the time of a disc's opening.
OPENING_CELLS = 7
# background_level: 40% of the way from the background to the breast's tissue, taken at the
# mask's 75th percentile (its median can fall in a halo that covers much of the mask)
NEAR_BLACK = 0.4
TISSUE_PERCENTILE = 75


@dataclass(frozen=True)
class BreastMask:
    grid: np.ndarray  # bool mask on the sampled grid: grid[i, j] covers pixel (i*factor, j*factor)
    factor: int
    shape: tuple[int, int]  # full-resolution (rows, cols)
    # the grid's pixels below the image's background level (background_level; the threshold
    # of a manual mask), whatever the mask made of them: the halo beside the skin, grain, the
    # ink of a label. None: not known.
    below: np.ndarray | None = None

    def full(self) -> np.ndarray:
        """The full-resolution mask (nearest-neighbour upsampling; for display and tests)."""
        up = np.repeat(np.repeat(self.grid, self.factor, axis=0), self.factor, axis=1)
        return up[: self.shape[0], : self.shape[1]]

    @cached_property
    def _integral(self) -> np.ndarray:
        return _integral(self.grid)

    @cached_property
    def _below_integral(self) -> np.ndarray:
        return _integral(np.zeros_like(self.grid) if self.below is None else self.below)

    def below_share(self, windows: np.ndarray) -> np.ndarray:
        """For N pixel windows (x0, y0, x1, y1): the share of the grid points they cover that
        lie below the background level (0 where that level is not known)."""
        w = np.asarray(windows, np.int64).reshape(-1, 4)
        f = self.factor
        gh, gw = self.grid.shape
        # the grid points inside the window: ceil(x0 / f) .. ceil(x1 / f) - 1
        gx0, gx1 = np.clip(-(-w[:, 0] // f), 0, gw), np.clip(-(-w[:, 2] // f), 0, gw)
        gy0, gy1 = np.clip(-(-w[:, 1] // f), 0, gh), np.clip(-(-w[:, 3] // f), 0, gh)
        s = self._below_integral
        count = s[gy1, gx1] - s[gy0, gx1] - s[gy1, gx0] + s[gy0, gx0]
        return count / np.maximum(1, (gx1 - gx0) * (gy1 - gy0))

    def contains(self, windows: np.ndarray) -> np.ndarray:
        """For N half-open pixel windows (x0, y0, x1, y1): True where the window lies wholly
        inside the image and the mask, one grid cell to spare. Four look-ups per window."""
        w = np.asarray(windows, np.int64).reshape(-1, 4)
        rows, cols = self.shape
        inside = (w[:, 0] >= 0) & (w[:, 1] >= 0) & (w[:, 2] <= cols) & (w[:, 3] <= rows)
        inside &= (w[:, 2] > w[:, 0]) & (w[:, 3] > w[:, 1])
        f = self.factor
        gx0, gy0 = w[:, 0] // f - 1, w[:, 1] // f - 1  # the cells touched, plus one each side
        gx1, gy1 = (w[:, 2] - 1) // f + 2, (w[:, 3] - 1) // f + 2
        gh, gw = self.grid.shape
        gx0, gx1 = np.clip(gx0, 0, gw), np.clip(gx1, 0, gw)
        gy0, gy1 = np.clip(gy0, 0, gh), np.clip(gy1, 0, gh)
        s = self._integral
        count = s[gy1, gx1] - s[gy0, gx1] - s[gy1, gx0] + s[gy0, gx0]
        return inside & (count == (gx1 - gx0) * (gy1 - gy0))

    def bounds(self) -> tuple[int, int, int, int] | None:
        """Full-resolution bounding box (x0, y0, x1, y1) of the mask, or None when empty."""
        ys, xs = np.nonzero(self.grid.any(axis=1))[0], np.nonzero(self.grid.any(axis=0))[0]
        if not len(ys):
            return None
        f = self.factor
        return (
            int(xs[0] * f),
            int(ys[0] * f),
            min(int(xs[-1] + 1) * f, self.shape[1]),
            min(int(ys[-1] + 1) * f, self.shape[0]),
        )


def _integral(grid: np.ndarray) -> np.ndarray:
    sat = np.zeros((grid.shape[0] + 1, grid.shape[1] + 1), np.int32)
    sat[1:, 1:] = grid
    # int32 throughout (counts <= 256 * 256): numpy's default int64 accumulation costs 3x
    np.cumsum(sat, axis=0, dtype=np.int32, out=sat)
    return np.cumsum(sat, axis=1, dtype=np.int32, out=sat)


def grid_factor(shape: tuple[int, int], grid_side: int = GRID_SIDE) -> int:
    return max(1, math.ceil(max(shape) / grid_side))


def breast_mask(
    image: np.ndarray, threshold: float | None = None, grid_side: int = GRID_SIDE
) -> BreastMask:
    """The breast mask of a (MONOCHROME2, raw-valued) image: `threshold` None for the automatic
    mask, a number for the manual `image > threshold` (0: the seed's rule)."""
    factor = grid_factor(image.shape, grid_side)
    sample = image[::factor, ::factor]  # a strided view: no full-size copy
    shape = (int(image.shape[0]), int(image.shape[1]))
    if threshold is not None:
        fg = sample > threshold
    else:
        sample = np.ascontiguousarray(sample)  # read three times: gather the grid once
        levels = auto_levels(sample) if sample.size else None
        if levels is None:  # one grey level: all background
            return BreastMask(np.zeros(sample.shape, bool), factor, shape)
        grid = _fill_holes(_largest_component(_open(sample >= levels[1])))
        return BreastMask(grid, factor, shape, sample < background_level(sample, grid, *levels))
    return BreastMask(_fill_holes(_largest_component(fg)), factor, shape, ~fg)


def background_level(sample: np.ndarray, grid: np.ndarray, peak: float, lowest: float) -> float:
    """The level below which a pixel is taken for background, not tissue: NEAR_BLACK of the
    way from the background peak to the mask's tissue level, and not below its threshold.
    Above the threshold: on film scans a halo beside the skin is as dark as the thinnest tissue
    and joins the mask; a window of such pixels is no breast tissue whatever the mask says."""
    if not grid.any():
        return lowest
    tissue = float(np.percentile(sample[grid], TISSUE_PERCENTILE))
    return max(lowest, peak + NEAR_BLACK * (tissue - peak))


def _open(fg: np.ndarray) -> np.ndarray:
    """Erosion then dilation by the square; "nearest" at the image edge, so a breast that
    touches the edge (the chest wall) is not eaten from there."""
    cells = fg.view(np.uint8)
    eroded = ndimage.minimum_filter(cells, size=OPENING_CELLS, mode="nearest")
    return ndimage.maximum_filter(eroded, size=OPENING_CELLS, mode="nearest").view(bool)


def _largest_component(fg: np.ndarray) -> np.ndarray:
    labels, n = ndimage.label(fg, structure=_EIGHT)
    if n <= 1:
        return fg
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return labels == sizes.argmax()


def _fill_holes(fg: np.ndarray) -> np.ndarray:
    """Holes = background components that do not touch the border (cheaper than
    binary_fill_holes' iterated dilation)."""
    bg_labels, _ = ndimage.label(~fg)
    edge = np.concatenate([bg_labels[0], bg_labels[-1], bg_labels[:, 0], bg_labels[:, -1]])
    outside = np.zeros(bg_labels.max() + 1, bool)
    outside[edge] = True
    outside[0] = False  # label 0 is the foreground itself
    return ~outside[bg_labels]
