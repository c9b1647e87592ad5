"""VinDr-Mammo: `finding_annotations.csv` (+ optional `breast-level_annotations.csv`).

Images live at `images/<study_id>/<image_id>.dicom`. `finding_categories` is a Python list
literal (`['Mass', 'Suspicious Calcification']`); `No Finding` rows have empty boxes and mark a
normal image. VinDr has BI-RADS, not biopsy pathology, so pathology is always unknown.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from ..errors import InputError
from .files import FileIndex
from .schema import AnnotationSet, Box, Finding, SkippedRow
from .tables import coords, laterality, read_table, view

REQUIRED = ("study_id", "image_id", "finding_categories", "xmin", "ymin", "xmax", "ymax")
BREAST_LEVEL = "breast-level_annotations.csv"
LESIONS = {
    "mass": "mass",
    "suspicious calcification": "calcification",
    "architectural distortion": "architectural_distortion",
    "asymmetry": "asymmetry",
    "focal asymmetry": "asymmetry",
    "global asymmetry": "asymmetry",
}


def categories(raw: str) -> list[str] | None:
    """`['Mass', 'Asymmetry']` -> ['Mass', 'Asymmetry']; a bare word -> [word]; None if bad."""
    text = raw.strip()
    if not text.startswith("["):
        return [text] if text else None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None
    return [v.strip() for v in value if v.strip()]


def finding_type(cats: list[str]) -> str:
    """The first lesion category; other findings (skin thickening, nipple retraction, ...)."""
    for cat in cats:
        if cat.lower() in LESIONS:
            return LESIONS[cat.lower()]
    return "other"


def _meta(row: dict[str, str]) -> dict[str, Any]:
    return {
        "patient_id": row["study id"],  # VinDr has one study per woman and no patient id
        "laterality": laterality(row.get("laterality")),
        "view": view(row.get("view position")),
        "breast_birads": row.get("breast birads") or None,
        "breast_density": row.get("breast density") or None,
    }


def _locate(root: Path, study: str, image: str, index: list[FileIndex]) -> Path | None:
    expected = root / "images" / study / f"{image}.dicom"
    if expected.is_file():
        return expected
    if not index:  # copies with .dcm names or a flat folder: one walk, built on the first miss
        index.append(FileIndex(root))
    return index[0].stem(image)


def parse(path: str | Path, image_root: str | Path | None = None) -> AnnotationSet:
    path = Path(path)
    table = read_table(path, REQUIRED, "VinDr-Mammo finding_annotations")
    root = Path(image_root) if image_root else path.parent
    out = AnnotationSet()
    index: list[FileIndex] = []
    studies: dict[str, str] = {}
    for line, row in table.rows:
        source_row = table.row_id(line)
        image_id, study = row["image id"], row["study id"]
        if not image_id:
            out.skipped.append(SkippedRow(source_row, "no image_id"))
            continue
        studies[image_id] = study
        cats = categories(row["finding categories"])
        if cats is None:
            out.skipped.append(
                SkippedRow(
                    source_row, f"bad finding_categories {row['finding categories']!r}", image_id
                )
            )
            continue
        box, problem = coords(row, ("xmin", "ymin", "xmax", "ymax"))
        if box is None:
            if problem is None and all(c.lower() == "no finding" for c in cats):
                out.images[image_id] = {**_meta(row), "source_row": source_row}
            else:
                out.skipped.append(SkippedRow(source_row, problem or "no coordinates", image_id))
            continue
        out.findings.append(
            Finding(
                image_ref=image_id,
                finding_type=finding_type(cats),
                label_raw=row["finding categories"],
                pathology="unknown",
                geometry=Box(*box),
                source_row=source_row,
                patient_id=study,
                laterality=laterality(row.get("laterality")),
                view=view(row.get("view position")),
                extra={
                    "categories": cats,
                    "finding_birads": row.get("finding birads") or None,
                    **{k: v for k, v in _meta(row).items() if k.startswith("breast")},
                },
            )
        )
    try:
        _add_breast_level(path.parent / BREAST_LEVEL, out, studies)
    except InputError as exc:  # the table is optional: report it, import the rest
        out.skipped.append(SkippedRow(BREAST_LEVEL, f"table not used ({exc.reason})"))
    for image_id, study in studies.items():
        found = _locate(root, study, image_id, index)
        if found is not None:
            out.image_paths[image_id] = str(found)
    return out


def _add_breast_level(path: Path, out: AnnotationSet, studies: dict[str, str]) -> None:
    """Images the finding table does not list (it normally lists all): added as normal."""
    if not path.is_file():
        return
    table = read_table(path, ("study_id", "image_id"), "VinDr-Mammo breast-level")
    for line, row in table.rows:
        image_id = row["image id"]
        if image_id and image_id not in studies:
            studies[image_id] = row["study id"]
            out.images[image_id] = {**_meta(row), "source_row": table.row_id(line)}
