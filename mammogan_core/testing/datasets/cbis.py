"""CBIS-DDSM sample: the TCIA download tree and case-description CSVs."""

from __future__ import annotations

from pathlib import Path

from .common import SIZE, dicom, mask_dicom, write_csv

CBIS_MASS_HEADER = (
    "patient_id",
    "breast_density",
    "left or right breast",
    "image view",
    "abnormality id",
    "abnormality type",
    "mass shape",
    "mass margins",
    "assessment",
    "pathology",
    "subtlety",
    "image file path",
    "cropped image file path",
    "ROI mask file path",
)
CBIS_CALC_HEADER = (
    "patient_id",
    "breast density",
    "left or right breast",
    "image view",
    "abnormality id",
    "abnormality type",
    "calc type",
    "calc distribution",
    "assessment",
    "pathology",
    "subtlety",
    "image file path",
    "cropped image file path",
    "ROI mask file path",
)
_UID = "1.3.6.1.4.1.9590.100.1.2."


def _cbis_paths(case: str, abn: int) -> tuple[str, str, str]:
    """The CSV's (image, crop, mask) paths: UID folders that do not exist in the download."""
    image = f"{case}/{_UID}1{abn}/{_UID}2{abn}/000000.dcm"
    crop = f"{case}_{abn}/{_UID}3{abn}/{_UID}4{abn}/000000.dcm"
    mask = f"{case}_{abn}/{_UID}3{abn}/{_UID}4{abn}/000001.dcm\n"  # real CSVs end some in \n
    return image, crop, mask


def _cbis_case(tree: Path, case: str) -> None:
    dicom(
        tree
        / case
        / "07-20-2016-DDSM-NA-74994"
        / "1.000000-full mammogram images-24515"
        / "1-1.dcm",
        patient_id=case,
    )


def _cbis_roi(
    tree: Path,
    case: str,
    abn: int,
    box: tuple[int, int, int, int] | None,
    shape: tuple[int, int] = (SIZE, SIZE),
    split_series: bool = True,
) -> None:
    study = tree / f"{case}_{abn}" / "08-29-2017-DDSM-NA-96009"
    if split_series:
        dicom(study / "1.000000-cropped images-94682" / "1-1.dcm", 40, 40)
        mask_dicom(study / "1.000000-ROI mask images-76466" / "1-1.dcm", box, shape)
    else:  # older downloads: crop and mask in one series, the crop sometimes first
        dicom(study / "1.000000-ROI mask images-76466" / "1-1.dcm", 40, 40)
        mask_dicom(study / "1.000000-ROI mask images-76466" / "1-2.dcm", box, shape)


def write_cbis(root: Path) -> Path:
    """CBIS-DDSM/<case>/<date>-NA-<id>/<series>-NA-<id>/1-1.dcm + a mass and a calc CSV."""
    tree = root / "CBIS-DDSM"
    mass_case, calc_case = "Mass-Training_P_00001_LEFT_CC", "Calc-Training_P_00005_RIGHT_CC"
    _cbis_case(tree, mass_case)
    _cbis_roi(tree, mass_case, 1, (50, 60, 90, 110))
    _cbis_roi(tree, mass_case, 2, (150, 20, 170, 45), split_series=False)
    _cbis_case(tree, calc_case)
    _cbis_roi(tree, calc_case, 1, (10, 200, 30, 230))
    _cbis_roi(tree, calc_case, 2, (5, 5, 20, 20), shape=(128, 128))  # mask of another size
    _cbis_roi(tree, calc_case, 3, None)  # empty mask
    mass = [
        (
            "P_00001",
            3,
            "LEFT",
            "CC",
            1,
            "mass",
            "IRREGULAR",
            "SPICULATED",
            5,
            "MALIGNANT",
            5,
            *_cbis_paths(mass_case, 1),
        ),
        (
            "P_00001",
            3,
            "LEFT",
            "CC",
            2,
            "mass",
            "OVAL",
            "CIRCUMSCRIBED",
            3,
            "BENIGN",
            4,
            *_cbis_paths(mass_case, 2),
        ),
        (
            "P_00099",
            2,
            "RIGHT",
            "MLO",
            1,
            "mass",
            "ROUND",
            "OBSCURED",
            4,
            "BENIGN",
            3,
            *_cbis_paths("Mass-Training_P_00099_RIGHT_MLO", 1),
        ),  # case not downloaded
    ]
    calc = [
        (
            "P_00005",
            3,
            "RIGHT",
            "CC",
            abn,
            "calcification",
            "AMORPHOUS",
            "CLUSTERED",
            3,
            pathology,
            3,
            *_cbis_paths(calc_case, abn),
        )
        for abn, pathology in ((1, "BENIGN_WITHOUT_CALLBACK"), (2, "MALIGNANT"), (3, "BENIGN"))
    ]
    write_csv(root / "mass_case_description_train_set.csv", CBIS_MASS_HEADER, mass)
    write_csv(root / "calc_case_description_train_set.csv", CBIS_CALC_HEADER, calc)
    return root
