"""Generic CSV sample: PNG images, box/circle/mask rows and manifest.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import PIL.Image

from ...annotations.generic import COLUMNS
from ...io.dicom_write import synthetic_breast
from .common import SIZE, write_csv


def write_generic(root: Path) -> Path:
    """PNG images + labels.csv (box, circle and mask rows) + manifest.csv of normal images."""
    (root / "img").mkdir(parents=True, exist_ok=True)
    for name in ("a", "b", "c", "n1"):
        pixels = synthetic_breast(SIZE, SIZE, bits_stored=8, seed=len(name)).astype(np.uint8)
        PIL.Image.fromarray(pixels).save(root / "img" / f"{name}.png")
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[30:50, 40:70] = 255
    PIL.Image.fromarray(mask).save(root / "img" / "c_mask.png")
    PIL.Image.fromarray(np.zeros((SIZE, SIZE), np.uint8)).save(root / "img" / "empty_mask.png")
    e = ""
    rows = [
        ("img/a.png", "p1", "L", "CC", "mass", "malignant", 10, 20, 50, 60, e, e, e, e),
        (
            "./img/a.png",
            "p1",
            "L",
            "CC",
            "microcalcification cluster",
            "benign",
            e,
            e,
            e,
            e,
            100,
            100,
            8,
            e,
        ),
        (
            "img/b.png",
            "p2",
            "R",
            "MLO",
            "architectural distortion",
            "",
            e,
            e,
            e,
            e,
            128,
            128,
            20,
            e,
        ),
        ("img/c.png", "p3", "L", "MLO", "Mass", "Malignant", e, e, e, e, e, e, e, "img/c_mask.png"),
        (
            "img/c.png",
            "p3",
            "L",
            "MLO",
            "mass",
            "benign",
            e,
            e,
            e,
            e,
            e,
            e,
            e,
            "img/empty_mask.png",
        ),
        ("img/b.png", "p2", "R", "MLO", "mass", "", 300, 300, 340, 340, e, e, e, e),  # outside
        ("img/missing.png", "p9", "L", "CC", "mass", "", 1, 1, 5, 5, e, e, e, e),
    ]
    write_csv(root / "labels.csv", COLUMNS, rows)
    write_csv(
        root / "manifest.csv",
        ("image", "patient_id", "laterality", "view"),
        [("img/n1.png", "p4", "R", "CC")],
    )
    return root
