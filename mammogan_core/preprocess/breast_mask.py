"""Breast mask: `image > threshold` (the seed), then the largest connected component with its
holes filled, so labels and markers outside the breast are excluded.

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

GRID_SIDE = 256
_EIGHT = np.ones((3, 3), bool)


@dataclass(frozen=True)
class BreastMask:
    grid: np.ndarray  # bool mask on the sampled grid: grid[i, j] covers pixel (i*factor, j*factor)
    factor: int
    shape: tuple[int, int]  # full-resolution (rows, cols)

    def full(self) -> np.ndarray:
        """The full-resolution mask (nearest-neighbour upsampling; for display and tests)."""
        up = np.repeat(np.repeat(self.grid, self.factor, axis=0), self.factor, axis=1)
        return up[: self.shape[0], : self.shape[1]]

    @cached_property
    def _integral(self) -> np.ndarray:
        sat = np.zeros((self.grid.shape[0] + 1, self.grid.shape[1] + 1), np.int32)
        sat[1:, 1:] = self.grid
        # int32 throughout (counts <= 256 * 256): numpy's default int64 accumulation costs 3x
        np.cumsum(sat, axis=0, dtype=np.int32, out=sat)
        return np.cumsum(sat, axis=1, dtype=np.int32, out=sat)

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


def grid_factor(shape: tuple[int, int], grid_side: int = GRID_SIDE) -> int:
    return max(1, math.ceil(max(shape) / grid_side))


def breast_mask(image: np.ndarray, threshold: float = 0, grid_side: int = GRID_SIDE) -> BreastMask:
    """The breast mask of a (MONOCHROME2, raw-valued) image."""
    factor = grid_factor(image.shape, grid_side)
    fg = image[::factor, ::factor] > threshold  # a strided view: no full-size copy
    labels, n = ndimage.label(fg, structure=_EIGHT)
    if n > 1:
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        fg = labels == sizes.argmax()
    # Holes = background components that do not touch the border (cheaper than
    # binary_fill_holes' iterated dilation).
    bg_labels, _ = ndimage.label(~fg)
    edge = np.concatenate([bg_labels[0], bg_labels[-1], bg_labels[:, 0], bg_labels[:, -1]])
    outside = np.zeros(bg_labels.max() + 1, bool)
    outside[edge] = True
    outside[0] = False  # label 0 is the breast itself
    mask = ~outside[bg_labels]
    return BreastMask(mask, factor, (int(image.shape[0]), int(image.shape[1])))
