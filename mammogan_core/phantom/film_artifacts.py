"""What real film scans have around the breast that a clean phantom lacks, seen on a public
film-scanned database where one normal patch in nine was mostly background:
- a dark halo beside the skin line, above the background but far below the tissue (the film's
  edge burn and the scanner's flare);
- full-height scanner lines, and a bright strip along the chest-wall side that touches the
  breast there;
- a saturated white film edge along the top or the bottom;
- (the label, placed close to the skin line: film.py).
All drawn in the canonical orientation (chest wall at column 0) on the float film."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def add_halo(film: np.ndarray, breast: np.ndarray, rng: np.random.Generator) -> None:
    """A band of 12-32 mm outside the skin line, 15-40 grey levels above the background (as
    dark as the thinnest tissue at the skin: no threshold separates them), fading out over
    its outer third."""
    width = float(rng.uniform(60, 160))  # pixels of 0.2 mm
    rise = float(rng.uniform(15, 40))
    step = 4  # the distance on a coarse grid: a tenth of the time, and a halo has no edge
    coarse = ndimage.distance_transform_edt(~breast[::step, ::step]) * step
    dist = np.repeat(np.repeat(coarse, step, axis=0), step, axis=1)[
        : film.shape[0], : film.shape[1]
    ]
    halo = np.clip(3 * (1 - dist / width), 0, 1) * rise
    film += np.where(breast, 0, halo).astype(np.float32)


def add_chest_wall_strip(film: np.ndarray, breast: np.ndarray, rng: np.random.Generator) -> None:
    """A bright strip of 2-5 mm at the chest-wall edge, the whole height: over the breast's
    edge there and over the background above and below it."""
    width = int(rng.integers(10, 26))
    film[:, :width] = np.float32(rng.uniform(150, 230))
    breast[:, :width] = False  # the strip is no tissue


def add_scanner_lines(film: np.ndarray, rng: np.random.Generator) -> None:
    """One to three full-height lines, 1-3 pixels wide, brighter or darker than around them,
    through breast and background alike."""
    cols = film.shape[1]
    for _ in range(int(rng.integers(1, 4))):
        x, width = int(rng.integers(0, cols - 3)), int(rng.integers(1, 4))
        film[:, x : x + width] += np.float32(rng.choice([-1, 1]) * rng.uniform(15, 40))


def add_white_edge(film: np.ndarray, breast: np.ndarray, rng: np.random.Generator) -> None:
    """A saturated (255) film edge of 3-8 mm along the top or the bottom, over whatever lies
    there."""
    depth = int(rng.integers(15, 41))
    edge = slice(0, depth) if rng.random() < 0.5 else slice(film.shape[0] - depth, None)
    film[edge] = 300.0  # saturated: still 255 once the grain is added and clipped
    breast[edge] = False
