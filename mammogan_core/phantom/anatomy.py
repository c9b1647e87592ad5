"""Breast outline and pectoral muscle of one view, in canonical orientation.

Canonical orientation: chest wall on the LEFT image edge (x = 0), nipple pointing right, as a
left breast is stored (DICOM/IHE: LCC PatientOrientation A\\R). Right breasts are mirrored when
the image is rendered (chest wall on the right, RCC P\\L), their annotations with them.
All lengths are full-resolution pixels; x is the column, y the row.
"""

from __future__ import annotations

import cmath
import dataclasses
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BreastShape:
    """A half-ellipse on the chest wall, sheared downwards on MLO views (the nipple points
    down and the tissue runs up into the axilla), with a wavy outline."""

    rows: int
    cols: int
    view: str  # "CC" | "MLO"
    cy: float  # where the breast axis meets the chest wall (row)
    a: float  # depth: chest wall -> nipple
    b: float  # half height across the axis
    shear: float  # rows the axis drops per column (0 on CC views)
    wobble: tuple[tuple[float, float], ...]  # (amplitude, phase) of outline harmonics k = 2, 3...
    pect_top: float  # pectoral muscle width along the top edge (0: none, CC views)
    pect_side: float  # pectoral muscle height along the chest wall
    density: float  # 0..1, fraction of fibroglandular tissue (patient level)

    def axis_coords(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(depth, offset): 0..1 from chest wall to nipple, and -1..1 across the breast."""
        return x / self.a, (y - self.cy - self.shear * x) / self.b

    def radius(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Normalised radius: < 1 inside the breast outline, 1 on the skin."""
        u, v = self.axis_coords(x, y)
        rho = np.sqrt(u * u + v * v)
        # cos(k theta + phase) = Re(z^k e^(i phase)) with z = e^(i theta): no trigonometry.
        z = (u + 1j * v) / np.maximum(rho, 1e-9)
        zk, scale = z, np.ones_like(rho)
        for amp, phase in self.wobble:
            zk = zk * z
            scale = scale + amp * (zk * cmath.rect(1.0, phase)).real
        return rho / scale

    def pectoral(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """< 1 inside the pectoral triangle (its edge bulges a little, as the muscle does)."""
        if self.pect_top <= 0:
            return np.full(np.broadcast(x, y).shape, np.inf, dtype=np.float32)
        px, py = np.maximum(x, 0) / self.pect_top, np.maximum(y, 0) / self.pect_side
        return px + py - 0.3 * np.sqrt(px * py)

    def nipple(self) -> tuple[float, float]:
        return self.a, self.cy + self.shear * self.a

    def contains(self, x: float, y: float, r: float, margin: float = 0.08) -> bool:
        """True when the disc (x, y, r) lies inside the breast, clear of skin and muscle."""
        t = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        xs, ys = x + r * np.cos(t), y + r * np.sin(t)
        if xs.min() < 0.02 * self.cols or ys.min() < 0 or ys.max() >= self.rows:
            return False
        return bool(
            (self.radius(xs, ys) < 1 - margin).all() and (self.pectoral(xs, ys) > 1.1).all()
        )


def random_shape(
    rng: np.random.Generator, view: str, rows: int, cols: int, density: float, size: float
) -> BreastShape:
    """A plausible outline; `size` (0..1, patient level) makes both breasts of a patient alike."""
    wobble = tuple((rng.uniform(0.005, 0.03) / k, rng.uniform(0, 2 * np.pi)) for k in range(2, 6))
    jitter = rng.uniform(-0.03, 0.03, 3).tolist()  # Python floats keep the fields float32
    if view == "CC":
        return BreastShape(
            rows,
            cols,
            view,
            cy=rows * (0.5 + jitter[0]),
            a=cols * (0.58 + 0.22 * size + jitter[1]),
            b=rows * (0.36 + 0.08 * size + jitter[2]),
            shear=0.0,
            wobble=wobble,
            pect_top=0.0,
            pect_side=0.0,
            density=density,
        )
    shape = BreastShape(
        rows,
        cols,
        view,
        cy=rows * (0.25 + jitter[0]),
        a=cols * (0.66 + 0.2 * size + jitter[1]),
        b=rows * (0.5 + 0.06 * size + jitter[2]),
        shear=rng.uniform(0.5, 0.6) * rows / cols,
        wobble=wobble,
        pect_top=cols * rng.uniform(0.22, 0.3),
        pect_side=rows * rng.uniform(0.4, 0.55),
        density=density,
    )
    return _fit_pectoral(shape)


def _fit_pectoral(shape: BreastShape) -> BreastShape:
    """Narrow the muscle until its edge lies inside the breast outline (no corner sticks out)."""
    t = np.linspace(0, 1, 24)
    for _ in range(30):
        if (shape.radius(shape.pect_top * t, shape.pect_side * (1 - t)) < 0.97).all():
            break
        shape = dataclasses.replace(shape, pect_top=shape.pect_top * 0.95)
    return shape
