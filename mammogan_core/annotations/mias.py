"""mini-MIAS `Info.txt`: `REFNUM BG CLASS SEVERITY X Y RADIUS`, origin at the bottom-left.

Real quirks handled: free-text header lines before the table, trailing spaces, several lines per
image, lines with a class but no coordinates, calcification lines whose coordinates are a note
(`*NOTE 3*`), NORM lines (normal images).
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

from ..errors import InputError
from .files import FileIndex
from .schema import AnnotationSet, Circle, Finding, SkippedRow

DEFAULT_HEIGHT = 1024  # every mini-MIAS image is 1024 x 1024
CLASSES = {
    "CALC": "calcification",
    "CIRC": "mass",
    "SPIC": "mass",
    "MISC": "mass",
    "ARCH": "architectural_distortion",
    "ASYM": "asymmetry",
}
TISSUES = {"F", "G", "D"}
SEVERITIES = {"B": "benign", "M": "malignant"}
_REF = re.compile(r"^mdb(\d+)$", re.IGNORECASE)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _is_data_line(tokens: list[str]) -> bool:
    if tokens and _REF.match(tokens[0]):
        return True
    return (
        len(tokens) >= 3
        and tokens[1].upper() in TISSUES
        and (tokens[2].upper() in CLASSES or tokens[2].upper() == "NORM")
    )


MIAS_SPACING_MM = 0.2


def image_meta(ref: str) -> dict[str, str | None]:
    """Patient and side from the reference number. The MIAS notes: "The list is arranged in
    pairs of films, where each pair represents the left (even filename numbers) and right
    mammograms (odd filename numbers) of a single patient" (all MLO views)."""
    m = _REF.match(ref)
    if not m:
        return {"patient_id": None, "laterality": None, "view": "MLO"}
    n = int(m.group(1))
    return {
        "patient_id": f"mias-{(n + 1) // 2:03d}",
        "laterality": "R" if n % 2 else "L",
        "view": "MLO",
    }


def to_height(finding: Finding, height: int) -> Finding:
    """Re-anchor a parsed finding to the real image height (row = height - Y)."""
    y = finding.extra.get("mias_y")
    if y is None or not isinstance(finding.geometry, Circle) or height == DEFAULT_HEIGHT:
        return finding
    return dataclasses.replace(
        finding, geometry=dataclasses.replace(finding.geometry, cy=height - y)
    )


def _row(ref: str, tokens: list[str], source_row: str) -> Finding | SkippedRow:
    cls = tokens[2].upper()
    if cls not in CLASSES:
        return SkippedRow(source_row, f"unknown class {tokens[2]!r}", ref)
    rest = tokens[3:]
    severity = ""
    if rest and not _is_number(rest[0]) and not rest[0].startswith("*"):
        severity = rest.pop(0).upper()
    if not rest or not _is_number(rest[0]):
        note = f" ({' '.join(rest)})" if rest else ""
        return SkippedRow(source_row, f"no coordinates{note}", ref)
    if len(rest) < 3 or not all(_is_number(t) for t in rest[:3]):
        return SkippedRow(source_row, "incomplete coordinates (X Y RADIUS expected)", ref)
    x, y, r = (float(t) for t in rest[:3])
    if not all(math.isfinite(v) for v in (x, y, r)):
        return SkippedRow(source_row, "coordinates are not finite numbers", ref)
    if r <= 0:
        return SkippedRow(source_row, f"radius {r:g} is not positive", ref)
    meta = image_meta(ref)
    return Finding(
        image_ref=ref,
        finding_type=CLASSES[cls],
        label_raw=cls,
        pathology=SEVERITIES.get(severity, "unknown"),
        geometry=Circle(x, DEFAULT_HEIGHT - y, r),
        source_row=source_row,
        patient_id=meta["patient_id"],
        laterality=meta["laterality"],
        view=meta["view"],
        extra={"mias_y": y, "background": tokens[1].upper(), "severity": severity or None},
    )


def parse(path: str | Path, image_root: str | Path | None = None) -> AnnotationSet:
    """Read Info.txt; images are `<REFNUM>.pgm` under `image_root` (default: Info.txt's folder)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("annotation file not found", path)
    text = path.read_bytes().decode("latin-1")
    # mini-MIAS: the films were digitised at 50 um and the PGMs reduced to 200 um per pixel
    out = AnnotationSet(default_spacing_mm=MIAS_SPACING_MM)
    refs: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not _is_data_line(tokens):
            continue  # header text, column descriptions, blank lines
        source_row = f"{path.name}:{lineno}"
        ref = tokens[0]
        refs.append(ref)
        if len(tokens) < 3:
            out.skipped.append(SkippedRow(source_row, "no class", ref))
        elif tokens[2].upper() == "NORM":
            out.images[ref] = {**image_meta(ref), "source_row": source_row, "background": tokens[1]}
        else:
            row = _row(ref, tokens, source_row)
            (out.findings if isinstance(row, Finding) else out.skipped).append(row)  # type: ignore[arg-type]
    if not refs:
        raise InputError("not a mini-MIAS Info.txt: no `REFNUM BG CLASS ...` lines", path)
    index = FileIndex(Path(image_root) if image_root else path.parent)
    for ref in refs:
        found = index.stem(ref)
        if found is not None:
            out.image_paths[ref] = str(found)
    return out
