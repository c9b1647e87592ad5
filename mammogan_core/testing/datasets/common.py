"""Shared writers of the sample datasets: tiny DICOMs, binary masks, CSVs."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ...io.dicom_write import synthetic_breast, write_mammogram_dicom

SIZE = 256


def dicom(path: Path, rows: int = SIZE, cols: int = SIZE, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_mammogram_dicom(path, synthetic_breast(rows, cols), **kwargs)  # type: ignore[arg-type]


def mask_dicom(path: Path, box: tuple[int, int, int, int] | None, shape: tuple[int, int]) -> Path:
    """A CBIS-like binary ROI mask (0/255, 8 bits); box = (x0, y0, x1, y1) of the lesion."""
    pixels = np.zeros(shape, np.uint8)
    if box is not None:
        x0, y0, x1, y1 = box
        pixels[y0:y1, x0:x1] = 255
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_mammogram_dicom(path, pixels, bits_stored=8)


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], sep: str = ","
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path
