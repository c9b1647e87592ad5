"""INbreast sample: AllDICOMs, AllXML OsiriX plists and INbreast.csv."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from .common import dicom, write_csv


def _roi(name: str, points: Sequence[tuple[float, float]]) -> dict[str, object]:
    return {
        "Name": name,
        "NumberOfPoints": len(points),
        "Type": 15 if len(points) > 1 else 19,
        "Center": "(0.0, 0.0, 0.0)",
        "Point_px": [f"({x:.6f}, {y:.6f})" for x, y in points],
        "Point_mm": [f"({x * 0.07:.6f}, {y * 0.07:.6f}, 0.000000)" for x, y in points],
    }


def write_inbreast(root: Path) -> Path:
    """AllDICOMs/<id>_<hash>_MG_<side>_<view>_ANON.dcm, AllXML/<id>.xml plists, INbreast.csv."""
    files = {
        "20586908": "6904c2c1d5b0a8e3_MG_R_CC",
        "20586934": "6904c2c1d5b0a8e3_MG_R_ML",
        "22580192": "5530d5782fc89dd7_MG_L_CC",
    }
    for image_id, rest in files.items():
        dicom(root / "AllDICOMs" / f"{image_id}_{rest}_ANON.dcm", patient_id="")
    rois = {
        "20586908": [
            _roi("Mass", [(100, 100), (140, 95), (150, 130), (110, 140)]),
            _roi("Calcification", [(60.5, 70.25)]),
            _roi("Assymetry", [(10, 10), (40, 10), (40, 50)]),
            _roi("Pectoral Muscle", [(0, 0), (30, 0), (0, 90)]),
            _roi("Mass", []),
        ],
        "20586934": [_roi("Cluster", [(200, 200), (220, 200), (220, 230), (200, 230)])],
    }
    (root / "AllXML").mkdir(parents=True, exist_ok=True)
    for image_id, roi_list in rois.items():
        doc = {"Images": [{"ImageIndex": 0, "NumberOfROIs": len(roi_list), "ROIs": roi_list}]}
        (root / "AllXML" / f"{image_id}.xml").write_bytes(plistlib.dumps(doc))
    header = ("Laterality", "View", "Acquisition date", "File Name", "ACR", "Bi-Rads")
    rows = [
        ("R", "CC", 201001, "20586908", 2, "4c"),
        ("R", "MLO", 201001, "20586934", 2, "4c"),
        ("L", "CC", 200907, "22580192", 1, "1"),
    ]
    write_csv(root / "INbreast.csv", header, rows, sep=";")
    return root
