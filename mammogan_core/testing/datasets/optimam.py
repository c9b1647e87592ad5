"""OPTIMAM sample: DICOMs matched by SOP Instance UID and a lesion CSV."""

from __future__ import annotations

from pathlib import Path

from .common import SIZE, dicom, write_csv

OPTIMAM_HEADER = (
    "ClientID",
    "StudyIUID",
    "ImageSOPIUID",
    "LesionID",
    "Status",
    "X1",
    "X2",
    "Y1",
    "Y2",
    "Height",
    "Width",
    "Mass",
    "SuspiciousCalcifications",
    "WithCalcification",
    "ArchitecturalDistortion",
    "FocalAsymmetry",
)
OPTIMAM_UIDS = (
    "1.2.826.0.1.3680043.9.3218.1.1.101",
    "1.2.826.0.1.3680043.9.3218.1.1.102",
    "1.2.826.0.1.3680043.9.3218.1.1.103",
)


def write_optimam(root: Path) -> Path:
    """DICOMs matched by SOP Instance UID (one file named by its UID), one FOR PROCESSING,
    one with no lesion row; lesion CSV with flags as 0/1 and True/False."""
    a, b, c = OPTIMAM_UIDS
    dicom(
        root / "demd100" / "study1" / "img_0001.dcm",
        extra={"SOPInstanceUID": a},
        patient_id="demd100",
        manufacturer="HOLOGIC, Inc.",
    )
    dicom(
        root / "demd100" / "study1" / b,
        extra={"SOPInstanceUID": b},
        patient_id="demd100",
        manufacturer="HOLOGIC, Inc.",
    )
    dicom(
        root / "demd200" / "study9" / "raw.dcm",
        extra={"SOPInstanceUID": c},
        patient_id="demd200",
        presentation_intent="FOR PROCESSING",
        manufacturer="GE",
    )
    rows = [
        ("demd100", "1.2.3", a, 1, "Malignant", 30, 90, 40, 120, SIZE, SIZE, 1, 0, 1, 0, 0),
        (
            "demd100",
            "1.2.3",
            a,
            2,
            "Benign",
            150,
            180,
            150,
            170,
            SIZE,
            SIZE,
            "False",
            "True",
            "False",
            "False",
            "False",
        ),
        ("demd100", "1.2.3", b, 1, "Interval cancer", 10, 40, 10, 40, SIZE, SIZE, 0, 0, 0, 1, 0),
        ("demd200", "1.2.9", c, 1, "Benign", 50, 70, 50, 70, SIZE, SIZE, 0, 0, 0, 0, 1),
        ("demd300", "1.2.7", "1.2.999", 1, "Malignant", 5, 9, 5, 9, SIZE, SIZE, 1, 0, 0, 0, 0),
        ("demd100", "1.2.3", a, 3, "Benign", "", "", "", "", SIZE, SIZE, 1, 0, 0, 0, 0),
    ]
    write_csv(root / "lesions.csv", OPTIMAM_HEADER, rows)
    return root
