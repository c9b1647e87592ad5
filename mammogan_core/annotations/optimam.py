"""OPTIMAM / OMI-DB lesion rows (the CSV the paper's code reads).

Columns: ClientID, StudyIUID, ImageSOPIUID, LesionID, Status, X1, X2, Y1, Y2, Height, Width,
Mass, SuspiciousCalcifications, WithCalcification, ArchitecturalDistortion, FocalAsymmetry.
Images are named by SOP Instance UID: the import pipeline matches them from the DICOM headers.
"""

from __future__ import annotations

from pathlib import Path

from .schema import AnnotationSet, Box, Finding, SkippedRow
from .tables import coords, norm_key, read_table, truthy

REQUIRED = ("ImageSOPIUID", "X1", "X2", "Y1", "Y2")
# Flag column (as OMI-DB spells it: label_raw joins the set ones) -> finding type, in the order
# that decides a row with several flags set.
FLAGS = (
    ("Mass", "mass"),
    ("SuspiciousCalcifications", "calcification"),
    ("ArchitecturalDistortion", "architectural_distortion"),
    ("FocalAsymmetry", "asymmetry"),
)
MODIFIER = "WithCalcification"
STATUS = {"malignant": "malignant", "interval cancer": "malignant", "benign": "benign"}


def parse(path: str | Path, image_root: str | Path | None = None) -> AnnotationSet:
    """`image_root` is accepted for a uniform signature; matching needs a header scan."""
    table = read_table(path, REQUIRED, "OPTIMAM lesion")
    out = AnnotationSet()
    for line, row in table.rows:
        lesion = row.get("lesionid") or None
        # the lesion id makes the row traceable in OMI-DB terms, not only by line
        source_row = f"{table.row_id(line)}:{lesion}" if lesion else table.row_id(line)
        uid = row["imagesopiuid"]
        if not uid:
            out.skipped.append(SkippedRow(source_row, "no ImageSOPIUID"))
            continue
        xy, problem = coords(row, ("x1", "y1", "x2", "y2"))
        if xy is None:
            out.skipped.append(SkippedRow(source_row, problem or "no coordinates", uid))
            continue
        flags = [name for name, _ in FLAGS if truthy(row.get(norm_key(name)))]
        if truthy(row.get(norm_key(MODIFIER))):
            flags.append(MODIFIER)
        kind = next((t for name, t in FLAGS if name in flags), "other")
        status = row.get("status", "")
        out.findings.append(
            Finding(
                image_ref=uid,
                finding_type=kind,
                label_raw="+".join(flags) or "unflagged",
                pathology=STATUS.get(status.strip().lower(), "unknown"),
                geometry=Box(*xy),
                source_row=source_row,
                patient_id=row.get("clientid") or None,
                extra={
                    "status": status or None,
                    "lesion_id": lesion,
                    "study_uid": row.get("studyiuid") or None,
                    "with_calcification": MODIFIER in flags,
                    "height": row.get("height") or None,
                    "width": row.get("width") or None,
                },
            )
        )
    return out
