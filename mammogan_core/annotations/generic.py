"""The generic CSV (also the contract with the phantom/demo corpus).

Columns `image,patient_id,laterality,view,label,pathology,x1,y1,x2,y2,cx,cy,r,mask`; only `image`
and `label` are required. `image` and `mask` are relative to the CSV's folder (or absolute). A
row has a box (x1..y2), a circle (cx, cy, r) or a mask path; a row with none of them and a
"normal" label lists a normal image. An optional `manifest.csv` beside the CSV
(`image,patient_id,laterality,view`) lists images without findings.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from .schema import AnnotationSet, Box, Circle, Finding, Geometry, Mask, SkippedRow
from .tables import coords, finding_type, is_empty, laterality, pathology, read_table, view

MANIFEST = "manifest.csv"
# The full column set, in the order writers (the phantom corpus, test samples) use.
COLUMNS = (
    "image", "patient_id", "laterality", "view", "label", "pathology",
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "mask",
)  # fmt: skip
NORMAL_LABELS = {"", "normal", "none", "no finding", "negative", "healthy"}


def image_ref(raw: str) -> str:
    """The image as the CSV names it, normalised so `./a.png` and `a.png` are one image."""
    text = raw.strip().replace("\\", "/")
    return text if text.startswith("/") else posixpath.normpath(text)


def _resolve(folder: Path, raw: str) -> Path:
    p = Path(raw.strip())
    return p if p.is_absolute() else folder / p


def _add_image(out: AnnotationSet, ref: str, folder: Path, raw: str) -> None:
    """Record the image file when it exists (a missing one is reported by the import)."""
    if ref not in out.image_paths:
        found = _resolve(folder, raw)
        if found.is_file():
            out.image_paths[ref] = str(found)


def _geometry(row: dict[str, str], folder: Path) -> tuple[Geometry | None, str | None]:
    box, problem = coords(row, ("x1", "y1", "x2", "y2"))
    if box is not None or problem:
        return (Box(*box) if box else None), problem
    circle, problem = coords(row, ("cx", "cy", "r"))
    if circle is not None or problem:
        return (Circle(*circle) if circle else None), problem
    if not is_empty(row.get("mask")):
        return Mask(str(_resolve(folder, row["mask"]))), None
    return None, None


def _meta(row: dict[str, str]) -> dict[str, Any]:
    return {
        "patient_id": row.get("patient id") or None,
        "laterality": laterality(row.get("laterality")),
        "view": view(row.get("view")),
    }


def parse(path: str | Path, image_root: str | Path | None = None) -> AnnotationSet:
    """`image_root` overrides the folder that relative paths start from."""
    path = Path(path)
    table = read_table(path, ("image", "label"), "generic annotation")
    folder = Path(image_root) if image_root else path.parent
    out = AnnotationSet()
    for line, row in table.rows:
        source_row = table.row_id(line)
        if is_empty(row["image"]):
            out.skipped.append(SkippedRow(source_row, "no image"))
            continue
        ref = image_ref(row["image"])
        _add_image(out, ref, folder, row["image"])
        geometry, problem = _geometry(row, folder)
        label = row["label"]
        if geometry is None:
            if problem is None and label.strip().lower() in NORMAL_LABELS:
                out.images[ref] = {**_meta(row), "source_row": source_row}
            else:
                out.skipped.append(SkippedRow(source_row, problem or "no coordinates", ref))
            continue
        out.findings.append(
            Finding(
                image_ref=ref,
                finding_type=finding_type(label),
                label_raw=label,
                pathology=pathology(row.get("pathology")),
                geometry=geometry,
                source_row=source_row,
                **_meta(row),
            )
        )
    manifest = path.parent / MANIFEST
    if manifest.is_file() and manifest.resolve() != path.resolve():
        listed = read_table(manifest, ("image",), "manifest")
        for line, row in listed.rows:
            if not is_empty(row["image"]):
                ref = image_ref(row["image"])
                _add_image(out, ref, folder, row["image"])
                out.images.setdefault(ref, {**_meta(row), "source_row": listed.row_id(line)})
    return out
