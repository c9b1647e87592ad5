"""CBIS-DDSM case-description CSVs (mass and calcification variants).

One row per abnormality; the geometry is the ROI mask DICOM (its bounding box is computed at
import). Without an image folder the raw CSV paths are kept; with one, each row is resolved
leniently (see cbis_tree) and rows that resolve to no file are skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path

from .cbis_tree import CbisTree
from .schema import AnnotationSet, Finding, Mask, SkippedRow
from .tables import first_component, laterality, pathology, read_table, view

REQUIRED = (
    "patient_id",
    "left or right breast",
    "image view",
    "abnormality id",
    "abnormality type",
    "pathology",
    "image file path",
    "ROI mask file path",
)
EXTRA_COLUMNS = (
    "breast density",
    "assessment",
    "subtlety",
    "mass shape",
    "mass margins",
    "calc type",
    "calc distribution",
)
TYPES = {"mass": "mass", "calcification": "calcification"}


def parse_many(paths: list[Path], image_root: str | Path | None = None) -> AnnotationSet:
    """Several CSVs (train/test, mass/calc) into one set, sharing one scan of the image tree."""
    tree = CbisTree(Path(image_root)) if image_root else None
    out = AnnotationSet()
    for path in paths:
        one = parse(path, tree=tree)
        out.findings += one.findings
        out.skipped += one.skipped
        out.image_paths.update(one.image_paths)
    return out


def parse(
    path: str | Path, image_root: str | Path | None = None, tree: CbisTree | None = None
) -> AnnotationSet:
    table = read_table(path, REQUIRED, "CBIS-DDSM case-description")
    if tree is None and image_root:
        tree = CbisTree(Path(image_root))
    out = AnnotationSet()
    for line, row in table.rows:
        source_row = table.row_id(line)
        image_csv, mask_csv = row["image file path"], row["roi mask file path"]
        case = first_component(image_csv)
        kind = row["abnormality type"].strip().lower()
        if not case or not mask_csv:
            missing = "image file path" if not case else "ROI mask file path"
            out.skipped.append(SkippedRow(source_row, f"no {missing}"))
            continue
        if kind not in TYPES:
            out.skipped.append(SkippedRow(source_row, f"unknown abnormality type {kind!r}", case))
            continue
        mask_path = mask_csv
        if tree is not None:
            image = tree.full_image(image_csv)
            mask = tree.roi_mask(mask_csv)
            if image is None:
                out.skipped.append(SkippedRow(source_row, f"no image file for {case}"))
                continue
            if mask is None:
                name = first_component(mask_csv)
                out.skipped.append(SkippedRow(source_row, f"no ROI mask file for {name}", case))
                continue
            out.image_paths[case] = str(image)
            mask_path = str(mask)
        extra = {k.replace(" ", "_"): row[k] for k in EXTRA_COLUMNS if row.get(k)}
        extra.update(abnormality_id=row["abnormality id"], pathology_raw=row["pathology"])
        out.findings.append(
            Finding(
                image_ref=case,
                finding_type=TYPES[kind],
                label_raw=kind,
                pathology=pathology(row["pathology"]),
                geometry=Mask(mask_path),
                source_row=source_row,
                patient_id=row["patient id"] or None,
                laterality=laterality(row["left or right breast"]),
                view=view(row["image view"]),
                extra=extra,
            )
        )
    return out
