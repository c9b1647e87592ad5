"""A catalogued set of synthetic DICOM mammograms with findings, for tests and benchmarks.

The images are simple on purpose (an elliptic breast of smooth texture at the left edge, bright
disk lesions, a burnt-in marker outside the breast): fast to make at any size, and with known
lesion positions. The realistic phantom for the demo lives in `mammogan_core.phantom`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydicom.uid import ExplicitVRLittleEndian
from scipy import ndimage

from ..io.dicom_write import write_mammogram_dicom
from ..workspace import Workspace
from ..workspace.catalogue import utc_now

FINDING_TYPES = ("mass", "calcification")
LABELS_RAW = {"mass": "CIRC", "calcification": "CALC"}


@dataclass(frozen=True)
class Disk:
    cx: float
    cy: float
    r: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.cx - self.r, self.cy - self.r, self.cx + self.r, self.cy + self.r


def synthetic_mammogram(
    rows: int, cols: int, lesions: list[Disk], rng: np.random.Generator, bits: int = 12
) -> np.ndarray:
    """uint16 image, 0 outside the breast; lesions are bright disks with a soft edge."""
    top = 2**bits - 1
    coarse = rng.normal(0, 1, (rows // 16 + 2, cols // 16 + 2)).astype(np.float32)
    texture = ndimage.zoom(coarse, 16, order=1)[:rows, :cols]
    texture += rng.normal(0, 0.3, (rows, cols)).astype(np.float32)
    yy, xx = np.ogrid[:rows, :cols]
    inside = ((yy - rows / 2) / (0.45 * rows)) ** 2 + (xx / (0.8 * cols)) ** 2 < 1
    img = np.where(inside, 0.35 * top + 0.06 * top * texture, 0).astype(np.float32)
    for d in lesions:  # drawn in the lesion's own window only: full-size temporaries are slow
        y0, y1 = max(int(d.cy - d.r) - 4, 0), min(int(d.cy + d.r) + 5, rows)
        x0, x1 = max(int(d.cx - d.r) - 4, 0), min(int(d.cx + d.r) + 5, cols)
        dist = np.hypot(yy[y0:y1] - d.cy, xx[:, x0:x1] - d.cx)
        img[y0:y1, x0:x1] += (
            0.3 * top * np.clip((d.r - dist) / 4 + 0.5, 0, 1) * inside[y0:y1, x0:x1]
        )
    img[inside] = np.maximum(img[inside], 1)
    img[: rows // 20, -cols // 10 :] = top  # a marker outside the breast
    return np.clip(img, 0, top).astype(np.uint16)


def lesion_disks(rows: int, cols: int, count: int, rng: np.random.Generator) -> list[Disk]:
    """Lesions wholly inside the breast, radius 2-6 % of the image height."""
    out = []
    for _ in range(count):
        r = float(rng.uniform(0.02, 0.06) * rows)
        out.append(
            Disk(float(rng.uniform(0.1, 0.45) * cols), float(rng.uniform(0.3, 0.7) * rows), r)
        )
    return out


def build_catalogue(
    ws: Workspace,
    folder: str | Path,
    n_images: int,
    shape: tuple[int, int] = (600, 500),
    lesions_per_image: tuple[int, ...] = (1, 0, 2),
    images_per_patient: int = 2,
    seed: int = 0,
    bits: int = 12,
    transfer_syntax: str = ExplicitVRLittleEndian,
) -> list[int]:
    """Write `n_images` DICOMs to `folder` and catalogue them (images + findings) directly, as
    an importer would. Image i has lesions_per_image[i % len] lesions. Returns the image ids."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows, cols = shape
    ids = []
    with ws.transaction() as conn:
        source = conn.execute(
            "INSERT INTO sources(root, format, annotations, imported_at) VALUES (?, 'generic', NULL, ?)",
            (str(folder), utc_now()),
        ).lastrowid
        for i in range(n_images):
            disks = lesion_disks(rows, cols, lesions_per_image[i % len(lesions_per_image)], rng)
            path = write_mammogram_dicom(
                folder / f"img{i:03d}.dcm",
                synthetic_mammogram(rows, cols, disks, rng, bits),
                bits_stored=bits,
                transfer_syntax=transfer_syntax,
                spacing_mm=0.1,
                patient_id=f"P{i // images_per_patient:03d}",
            )
            image_id = conn.execute(
                "INSERT INTO images(source_id, image_key, path, patient_key, rows, cols, spacing_mm, "
                "bits_stored, photometric) VALUES (?, ?, ?, ?, ?, ?, 0.1, ?, 'MONOCHROME2')",
                (
                    source,
                    f"img{i:03d}",
                    ws.rel(path),
                    f"patient{i // images_per_patient}",
                    rows,
                    cols,
                    bits,
                ),
            ).lastrowid
            for j, d in enumerate(disks):
                kind = FINDING_TYPES[j % 2]
                conn.execute(
                    "INSERT INTO findings(image_id, finding_type, label_raw, pathology, geometry_kind, "
                    "geometry, x0, y0, x1, y1, source_row) VALUES (?, ?, ?, 'unknown', 'circle', ?, "
                    "?, ?, ?, ?, ?)",
                    (
                        image_id,
                        kind,
                        LABELS_RAW[kind],
                        json.dumps({"cx": d.cx, "cy": d.cy, "r": d.r}),
                        *d.box,
                        f"synthetic:{i}:{j}",
                    ),
                )
            ids.append(int(image_id))
    return ids
