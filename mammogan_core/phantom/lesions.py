"""Masses (round, oval, irregular, spiculated) and microcalcification clusters.

A `Lesion` is drawn once per breast (patient level) and appears in both views of that breast,
at the same distance from the nipple, as in real screening pairs. Its `seed` fixes the shape,
so the CC and MLO projections look alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .texture import power_law_noise

MASS_SHAPES = ("round", "oval", "irregular", "spiculated")


@dataclass(frozen=True)
class Lesion:
    label: str  # "mass" | "calcification"
    shape: str  # one of MASS_SHAPES, or "cluster"
    pathology: str  # "benign" | "malignant"
    radius_mm: float  # annotated extent (mass core / cluster radius)
    depth: float  # distance from the nipple, as a fraction of the breast depth
    contrast: float  # peak added intensity (0..1 display units)
    seed: int  # fixes the outline, spicules and specks
    as_circle: bool  # annotated as a circle (cx, cy, r) rather than a box


@dataclass(frozen=True)
class Placed:
    """A lesion at a position of one view (canonical orientation, full-resolution pixels)."""

    lesion: Lesion
    x: int
    y: int
    r: int  # annotated radius in pixels: the box is [x - r, x + r + 1) x [y - r, y + r + 1)


def random_lesion(rng: np.random.Generator) -> Lesion:
    if rng.random() < 0.65:
        shape = str(rng.choice(MASS_SHAPES, p=[0.25, 0.3, 0.25, 0.2]))
        p_malignant = {"round": 0.15, "oval": 0.2, "irregular": 0.7, "spiculated": 0.9}[shape]
        return Lesion(
            "mass",
            shape,
            "malignant" if rng.random() < p_malignant else "benign",
            radius_mm=float(rng.uniform(2.5, 15.0)),
            depth=float(rng.uniform(0.25, 0.8)),
            contrast=float(rng.uniform(0.14, 0.24)),
            seed=int(rng.integers(2**31)),
            as_circle=bool(rng.random() < 0.4),
        )
    return Lesion(
        "calcification",
        "cluster",
        "malignant" if rng.random() < 0.5 else "benign",
        radius_mm=float(rng.uniform(3.0, 8.0)),
        depth=float(rng.uniform(0.2, 0.8)),
        contrast=float(rng.uniform(0.35, 0.55)),
        seed=int(rng.integers(2**31)),
        as_circle=bool(rng.random() < 0.5),
    )


def draw(img: np.ndarray, placed: Placed, spacing_mm: float) -> None:
    """Add the lesion to `img` (float32, canonical orientation) in place."""
    if placed.lesion.label == "mass":
        _draw_mass(img, placed)
    else:
        _draw_cluster(img, placed, spacing_mm)


def _window(
    img: np.ndarray, x: int, y: int, half: int
) -> tuple[slice, slice, np.ndarray, np.ndarray]:
    """The image window around (x, y) and the offsets of its pixels from the centre."""
    y0, y1 = max(0, y - half), min(img.shape[0], y + half + 1)
    x0, x1 = max(0, x - half), min(img.shape[1], x + half + 1)
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - y
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - x
    return slice(y0, y1), slice(x0, x1), dx, dy


def _draw_mass(img: np.ndarray, placed: Placed) -> None:
    les = placed.lesion
    rng = np.random.default_rng(les.seed)
    radius = float(placed.r)
    spiculated = les.shape == "spiculated"
    rows, cols, dx, dy = _window(
        img, placed.x, placed.y, int(radius * (2.4 if spiculated else 1.3)) + 2
    )
    # Oval masses: the short axis is the annotated radius scaled down, at a random angle.
    ratio = rng.uniform(0.55, 0.8) if les.shape == "oval" else rng.uniform(0.85, 1.0)
    angle = rng.uniform(0, np.pi)
    c, s = np.cos(angle), np.sin(angle)
    u, v = (dx * c + dy * s) / radius, (-dx * s + dy * c) / (radius * ratio)
    theta = np.arctan2(v, u)
    rough = {"round": 0.02, "oval": 0.03, "irregular": 0.14, "spiculated": 0.1}[les.shape]
    scale = 0.9 * np.ones_like(theta)  # the outline stays within the annotated radius
    for k in range(2, 9):
        scale += (
            rough / np.sqrt(k - 1) * rng.uniform(-1, 1) * np.cos(k * theta + rng.uniform(0, 6.3))
        )
    rn = np.sqrt(u * u + v * v) / scale
    edge = 0.04 if les.shape in ("round", "oval") else 0.12  # circumscribed vs ill-defined margins
    body = (
        1
        / (1 + np.exp(np.clip((rn - 1) / edge, -50, 50)))
        * (0.7 + 0.3 * np.sqrt(np.clip(1 - rn * rn, 0, 1)))
    )
    grain = power_law_noise(rng, body.shape, beta=2.5) if min(body.shape) > 4 else 0.0
    body = body * (1 + 0.08 * grain)
    if spiculated:
        body = np.maximum(body, _spicules(rng, dx, dy, radius))
    img[rows, cols] += np.float32(les.contrast) * body.astype(np.float32)


def _spicules(
    rng: np.random.Generator, dx: np.ndarray, dy: np.ndarray, radius: float
) -> np.ndarray:
    """Thin tapering lines radiating from the mass: the sign of an invasive carcinoma."""
    r = np.sqrt(dx * dx + dy * dy)
    theta = np.arctan2(dy, dx)
    out = np.zeros(r.shape, dtype=np.float32)
    for phi in rng.uniform(0, 2 * np.pi, int(rng.integers(10, 20))):
        length = radius * rng.uniform(1.4, 2.3)
        width = max(0.7, radius * rng.uniform(0.015, 0.03))
        along = r * np.cos(theta - phi)
        across = r * np.sin(theta - phi)
        taper = np.clip((length - along) / (length - 0.5 * radius), 0, 1) * (along > 0.5 * radius)
        line = taper * np.exp(-0.5 * (across / (width * (0.4 + taper))) ** 2)
        np.maximum(out, 0.7 * line, out=out)
    return out


def _draw_cluster(img: np.ndarray, placed: Placed, spacing_mm: float) -> None:
    """5-30 specks of 0.1-0.4 mm inside the annotated disc; malignant ones smaller, denser."""
    les = placed.lesion
    rng = np.random.default_rng(les.seed)
    malignant = les.pathology == "malignant"
    count = int(rng.integers(12, 30) if malignant else rng.integers(5, 14))
    # Gaussian spread, centred on the annotation and kept inside its disc so it covers them all.
    offsets = rng.normal(0, 0.4 * placed.r, (count, 2))
    offsets -= offsets.mean(axis=0)
    offsets *= np.minimum(1, 0.85 * placed.r / np.maximum(np.hypot(*offsets.T), 1e-6))[:, None]
    for ox, oy in offsets:
        size_mm = rng.uniform(0.1, 0.3) if malignant else rng.uniform(0.2, 0.45)
        sigma = max(0.6, size_mm / spacing_mm / 1.5)
        rows, cols, dx, dy = _window(
            img, placed.x + round(ox), placed.y + round(oy), int(3 * sigma) + 1
        )
        speck = np.exp(-0.5 * (dx * dx + dy * dy) / sigma**2)
        img[rows, cols] += np.float32(les.contrast * rng.uniform(0.7, 1.0)) * speck.astype(
            np.float32
        )
