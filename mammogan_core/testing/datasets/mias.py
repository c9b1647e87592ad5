"""mini-MIAS sample: Info.txt with its quirks + 8-bit PGMs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import PIL.Image

from ...io.dicom_write import synthetic_breast
from .common import SIZE

MIAS_INFO = """\
MIAS MiniMammographic Database
1st column:
MIAS database reference number.
2nd column:
Character of background tissue:
F Fatty
G Fatty-glandular
D Dense-glandular
3rd column:
Class of abnormality present:
CALC Calcification
CIRC Well-defined/circumscribed masses
ARCH Architectural distortion
NORM Normal
4th column: Severity of abnormality; B Benign M Malignant
5th, 6th columns: x,y image-coordinates of centre of abnormality.
7th column: Approximate radius (in pixels) of a circle enclosing the abnormality.
mdb001 G CIRC B 120 100 30 \x20
mdb002 G CIRC B 60 200 20
mdb003 D NORM\x20
mdb004 D NORM
mdb005 F CALC M 30 40 8
mdb005 F CALC M 200 150 6
mdb059 F CIRC B
mdb209 G CALC M *NOTE 3*
mdb023 G CIRC M 10 10 200
mdb024 G SPIC M 900 900 20
"""


def write_mias(root: Path) -> Path:
    """Info.txt (header text, trailing spaces, NORM, no-coordinate and *NOTE 3* rows, two rows
    for mdb005, a circle overshooting the border, one wholly outside) + 8-bit PGMs."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Info.txt").write_bytes(MIAS_INFO.encode("latin-1"))
    for n in (1, 2, 3, 4, 5, 23, 24, 59, 209):
        pixels = (synthetic_breast(SIZE, SIZE, bits_stored=8, seed=n)).astype(np.uint8)
        PIL.Image.fromarray(pixels).save(root / f"mdb{n:03d}.pgm")
    return root
