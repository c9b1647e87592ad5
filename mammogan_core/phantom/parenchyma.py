"""Breast tissue intensity of one view on a half-resolution grid.

Layers, in display units (0..1, bright = dense): fat everywhere, thinning towards the skin;
fibroglandular tissue (thresholded 1/f^3 noise under a central envelope); fine curvilinear
strands (ducts, vessels, Cooper's ligaments) converging on the nipple; the pectoral muscle.
"""

from __future__ import annotations

import numpy as np

from .anatomy import BreastShape
from .texture import power_law_noise

FAT = 0.30
GLAND = 0.56
MUSCLE = 0.56


def render_tissue(
    shape: BreastShape, rng: np.random.Generator, half: tuple[int, int], skin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Intensity and normalised radius (< 1 inside) on a half-resolution grid of size `half`;
    `skin` is the skin thickness in radius units.

    Both are smooth, so the caller upsamples them; the skin edge stays sharp because the mask
    is taken from the upsampled radius at full resolution.
    """
    y = (np.arange(half[0], dtype=np.float32) * 2 + 0.5)[:, None]
    x = (np.arange(half[1], dtype=np.float32) * 2 + 0.5)[None, :]
    d = shape.radius(x, y).astype(np.float32)
    depth, offset = shape.axis_coords(x, y)
    inner = np.clip((1 - d) / 0.35, 0, 1)
    inner = inner * inner * (3 - 2 * inner)  # smoothstep: the subcutaneous fat layer
    # Glandular tissue sits behind the nipple, mid-breast, away from skin and chest wall.
    envelope = inner * np.exp(-(((depth - 0.45) / 0.42) ** 2) - (offset / 0.62) ** 2)
    low = power_law_noise(rng, half, beta=3.0, f0=2.0 / half[1])
    fine = power_law_noise(rng, half, beta=3.0, f0=12.0 / half[1])
    bias = 2.5 * (envelope - 1.0 + shape.density)  # denser breasts: more tissue above threshold
    gland = envelope / (1 + np.exp(-(low + 0.3 * fine + bias) / 0.6))
    thick = np.sqrt(np.clip((1 - d) / 0.06, 0, 1))  # the compressed breast thins at the skin
    img = FAT * (0.8 + 0.2 * thick) + (GLAND - FAT) * gland + 0.02 * fine * (0.25 + gland)
    img += 0.04 * _strands(shape, rng, x, y) * thick * (0.4 + gland)
    img += 0.025 * _septa(rng, half) * thick * (1 - gland) * (0.6 + 0.4 * np.tanh(low))
    img += 0.05 * np.exp(-(((1 - d) / skin) ** 2))  # the skin: a thin brighter rim
    if shape.pect_top > 0:
        p = shape.pectoral(x, y)
        muscle = 1 / (1 + np.exp(np.clip((p - 1) / 0.01, -50, 50)))
        img = img * (1 - muscle) + muscle * _muscle(shape, rng, x, y, p)
        d = np.minimum(d, np.where(p < 1, np.float32(0.5), np.float32(np.inf)))
    return img.astype(np.float32), d


def _ridges(noise: np.ndarray, width: float) -> np.ndarray:
    """Thin lines along the zero crossings of smooth noise (1 on a line, 0 away from it)."""
    return np.exp(-((noise / width) ** 2))


def _septa(rng: np.random.Generator, half: tuple[int, int]) -> np.ndarray:
    """Cooper's ligaments: a faint net of thin walls around the fat lobules. The zero crossings
    of band-limited noise form closed cells of the right size (a few mm)."""
    return _ridges(power_law_noise(rng, half, beta=8.0, f0=25.0 / half[1]), 0.13)


def _strands(
    shape: BreastShape, rng: np.random.Generator, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Ducts and vessels converging on the nipple: ridges of noise stretched along the radial
    direction, looked up in polar coordinates around the nipple."""
    nx, ny = shape.nipple()
    rho = np.hypot(x - nx, y - ny) / shape.a
    psi = np.arctan2(y - ny, x - nx)
    table = power_law_noise(rng, (1536, 256), beta=2.5, stretch=5.0)
    i = ((psi + np.pi) * (1535 / (2 * np.pi))).astype(np.intp)
    j = np.minimum(rho * 160, 255).astype(np.intp)
    return _ridges(table[i, j], 0.3) * np.clip(rho * 4, 0, 1)


def _muscle(
    shape: BreastShape, rng: np.random.Generator, x: np.ndarray, y: np.ndarray, p: np.ndarray
) -> np.ndarray:
    """Pectoral muscle: brightest in the corner, thinner (darker) towards its edge and tip,
    with faint fibres running parallel to its edge."""
    along = np.clip((x / shape.pect_top - y / shape.pect_side + 1) * 127, 0, 254).astype(np.intp)
    across = np.clip(p * 255, 0, 255).astype(np.intp)
    fibres = power_law_noise(rng, (256, 256), beta=2.5, stretch=5.0)[across, along]
    return MUSCLE - 0.08 * p - 0.05 * (y / shape.pect_side) + 0.006 * fibres
