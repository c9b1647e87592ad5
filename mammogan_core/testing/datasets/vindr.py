"""VinDr-Mammo sample: images/<study>/<image>.dicom and the two annotation CSVs."""

from __future__ import annotations

from pathlib import Path

from .common import SIZE, dicom, write_csv

VINDR_HEADER = (
    "study_id",
    "series_id",
    "image_id",
    "laterality",
    "view_position",
    "height",
    "width",
    "breast_birads",
    "breast_density",
    "finding_categories",
    "finding_birads",
    "xmin",
    "ymin",
    "xmax",
    "ymax",
    "split",
)
# breast-level_annotations.csv: the image columns of the finding file, without the finding
BREAST_LEVEL_HEADER = (*VINDR_HEADER[:9], "split")


def write_vindr(root: Path) -> Path:
    """images/<study>/<image>.dicom + finding_annotations.csv + breast-level_annotations.csv."""
    images = {
        "imgA": "st1",
        "imgB": "st1",
        "imgC": "st2",
        "imgD": "st2",
        "imgF": "st3",
        "imgG": "st3",
    }
    for image, study in images.items():
        dicom(root / "images" / study / f"{image}.dicom", patient_id=study)
    box = ("BI-RADS 4", 10.5, 20.25, 60.0, 80.75)
    none = ("", "", "", "", "")
    rows = [
        ("st1", "se1", "imgA", "L", "CC", SIZE, SIZE, "BI-RADS 4", "DENSITY C", "['Mass']", *box),
        (
            "st1",
            "se1",
            "imgA",
            "L",
            "CC",
            SIZE,
            SIZE,
            "BI-RADS 4",
            "DENSITY C",
            "['Mass', 'Suspicious Calcification']",
            "BI-RADS 4",
            100,
            100,
            140,
            150,
        ),
        (
            "st1",
            "se1",
            "imgB",
            "R",
            "MLO",
            SIZE,
            SIZE,
            "BI-RADS 1",
            "DENSITY C",
            "['No Finding']",
            *none,
        ),
        (
            "st2",
            "se2",
            "imgC",
            "L",
            "MLO",
            SIZE,
            SIZE,
            "BI-RADS 3",
            "DENSITY B",
            "['Skin Thickening']",
            "BI-RADS 3",
            0,
            0,
            30,
            30,
        ),
        (
            "st2",
            "se2",
            "imgD",
            "R",
            "CC",
            SIZE,
            SIZE,
            "BI-RADS 4",
            "DENSITY B",
            "['Architectural Distortion']",
            "BI-RADS 4",
            400,
            400,
            450,
            460,
        ),  # outside
        (
            "st2",
            "se2",
            "imgE",
            "R",
            "MLO",
            SIZE,
            SIZE,
            "BI-RADS 2",
            "DENSITY B",
            "['Mass']",
            "BI-RADS 2",
            10,
            10,
            20,
            20,
        ),  # no file
        (
            "st3",
            "se3",
            "imgF",
            "L",
            "CC",
            SIZE,
            SIZE,
            "BI-RADS 3",
            "DENSITY A",
            "['Focal Asymmetry']",
            "BI-RADS 3",
            230,
            100,
            262,
            140,
        ),  # overshoots: clipped
    ]
    write_csv(root / "finding_annotations.csv", VINDR_HEADER, [(*r, "training") for r in rows])
    level = [("st3", "se3", "imgG", "R", "MLO", SIZE, SIZE, "BI-RADS 1", "DENSITY A", "test")]
    write_csv(
        root / "breast-level_annotations.csv",
        BREAST_LEVEL_HEADER,
        level,
    )
    return root
