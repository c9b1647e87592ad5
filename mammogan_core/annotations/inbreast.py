"""INbreast: `AllXML/<id>.xml` OsiriX plists + `AllDICOMs/<id>_<hash>_MG_<L|R>_<CC|ML>_ANON.dcm`.

Each plist has `Images` -> [{`ROIs` -> [{`Name`, `NumberOfPoints`, `Point_px`: ["(x, y)", ...]}]}].
ROIs with one point (single calcifications) become a small box around the point; others are
polygons. Images without an XML file are normal. The `<hash>` part of a file name identifies the
woman. BI-RADS comes from an optional `INbreast.csv` (semicolon-separated export of the .xls).
"""

from __future__ import annotations

import plistlib
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .files import FileIndex
from .schema import AnnotationSet, Box, Finding, Polygon, SkippedRow
from .tables import finding_type, read_table

POINT_RADIUS = 5.0  # px around a single-point ROI (a calcification a few pixels wide)
NOT_LESIONS = {"pectoral muscle", "nipple"}
_POINT = re.compile(r"\(\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)")
_NAME = re.compile(r"^(?P<id>[^_]+)_(?P<hash>[^_]+)_MG_(?P<side>[LR])_(?P<view>[A-Z]+)", re.I)


def file_meta(path: Path) -> dict[str, Any]:
    m = _NAME.match(path.name)
    if not m:
        return {"patient_id": None, "laterality": None, "view": None}
    view = m["view"].upper()
    return {
        "patient_id": m["hash"],
        "laterality": m["side"].upper(),
        "view": "MLO" if view == "ML" else view,  # INbreast's "ML" files are MLO views
    }


def _points(raw: Any) -> list[tuple[float, float]]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        m = _POINT.search(str(item))
        if m:
            out.append((float(m[1]), float(m[2])))
    return out


def _roi(image_ref: str, roi: Any, source_row: str, meta: dict[str, Any]) -> Finding | SkippedRow:
    if not isinstance(roi, dict):
        return SkippedRow(source_row, "ROI is not a dictionary", image_ref)
    name = str(roi.get("Name", "")).strip()
    if name.lower() in NOT_LESIONS:
        return SkippedRow(source_row, f"not a lesion ({name})")
    points = _points(roi.get("Point_px"))
    if not points:
        return SkippedRow(source_row, "no coordinates (empty Point_px)", image_ref)
    if len(points) < 3:  # a point (or a 2-point line): a small box around it
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        r = POINT_RADIUS
        geometry: Box | Polygon = Box(min(xs) - r, min(ys) - r, max(xs) + r, max(ys) + r)
    else:
        geometry = Polygon(tuple(points))
    return Finding(
        image_ref=image_ref,
        finding_type=finding_type(name),
        label_raw=name,
        pathology="unknown",
        geometry=geometry,
        source_row=source_row,
        patient_id=meta.get("patient_id"),
        laterality=meta.get("laterality"),
        view=meta.get("view"),
        extra={"birads": meta["birads"]} if "birads" in meta else {},
    )


def _xml_folder(path: Path) -> Path:
    if path.is_dir() and (path / "AllXML").is_dir():
        return path / "AllXML"
    if path.is_dir():
        return path
    raise InputError("expected the INbreast AllXML folder (or the folder holding it)", path)


def _birads(root: Path) -> dict[str, str]:
    """image id -> BI-RADS from INbreast.csv (columns `File Name` and `Bi-Rads`), if present."""
    path = root / "INbreast.csv"
    if not path.is_file():
        return {}
    table = read_table(path, ("File Name",), "INbreast.csv")
    col = next((c for c in table.columns if re.sub(r"[^a-z]", "", c) == "birads"), None)
    if col is None:
        return {}
    return {row["file name"]: row[col] for _, row in table.rows if row.get(col)}


def parse(path: str | Path, image_root: str | Path | None = None) -> AnnotationSet:
    xml_dir = _xml_folder(Path(path))
    root = Path(image_root) if image_root else xml_dir.parent
    dicoms = root / "AllDICOMs"
    files = FileIndex(dicoms if dicoms.is_dir() else root).by_name_prefix("_")
    out = AnnotationSet()
    try:
        birads = _birads(root)
    except InputError as exc:  # the table is optional: report it, import the rest
        birads = {}
        out.skipped.append(SkippedRow("INbreast.csv", f"BI-RADS table not used ({exc.reason})"))
    metas: dict[str, dict[str, Any]] = {}
    for image_id, paths in files.items():
        out.image_paths[image_id] = str(paths[0])
        metas[image_id] = {
            **file_meta(paths[0]),
            **({"birads": birads[image_id]} if image_id in birads else {}),
        }
    xmls = sorted(p for p in xml_dir.iterdir() if p.suffix.lower() == ".xml")
    if not xmls:
        raise InputError("no INbreast .xml files in the folder", xml_dir)
    with_xml = set()
    for xml in xmls:
        image_ref = xml.stem
        with_xml.add(image_ref)
        try:
            with open(xml, "rb") as fh:
                doc = plistlib.load(fh)
            images = doc["Images"]
        except Exception as exc:  # plistlib raises several kinds on malformed files
            out.skipped.append(SkippedRow(xml.name, f"unreadable OsiriX plist ({exc})", image_ref))
            continue
        meta = metas.get(image_ref, {})
        for i, image in enumerate(images if isinstance(images, list) else []):
            rois = image.get("ROIs", []) if isinstance(image, dict) else []
            for j, roi in enumerate(rois):
                row = _roi(image_ref, roi, f"{xml.name}:image{i}:roi{j}", meta)
                (out.findings if isinstance(row, Finding) else out.skipped).append(row)  # type: ignore[arg-type]
    for image_id, meta in metas.items():
        if image_id not in with_xml:
            out.images[image_id] = {**meta, "source_row": f"AllDICOMs:{image_id}"}
    return out
