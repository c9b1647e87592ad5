"""Read-only queries over the catalogue that the viewer and the patch browser display.

Kept out of the widgets so the filters are tested headless and the GUI only shows results.
Patch filters return numpy arrays (not row objects): a browser of 150,000 patches holds two
int64 columns, nothing more.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .workspace import Workspace

PATCH_LABELS = ("lesion", "normal", "synthetic")
# A patch's patient, over `images i`: the split key (the same in every workspace), or for images
# imported before split keys existed, the per-workspace pseudonym.
PATIENT_KEY_SQL = "COALESCE(i.split_key, i.patient_key)"


def _where(clauses: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """Joins `(sql, value)` pairs whose value is not None into a WHERE clause."""
    used = [(sql, v) for sql, v in clauses if v is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(sql for sql, _ in used), [v for _, v in used]


def list_images(
    ws: Workspace,
    laterality: str | None = None,
    view: str | None = None,
    has_findings: bool | None = None,
) -> list[dict[str, Any]]:
    """Images of the catalogue (id order) with their finding count and `normal_excluded` (why
    no normal patch may come from the image, e.g. a finding without location), filtered."""
    exists = "EXISTS (SELECT 1 FROM findings f WHERE f.image_id = i.id)"
    findings_clause = (
        None if has_findings is None else (exists if has_findings else f"NOT {exists}")
    )
    where, params = _where([("i.laterality = ?", laterality), ("i.view = ?", view)])
    if findings_clause:
        where += (" AND " if where else " WHERE ") + findings_clause
    sql = (
        "SELECT i.id, i.image_key, i.path, i.laterality, i.view, i.rows, i.cols, i.split,"
        " i.normal_excluded,"
        " (SELECT COUNT(*) FROM findings f WHERE f.image_id = i.id) AS n_findings"
        f" FROM images i{where} ORDER BY i.id"
    )
    return [dict(r) for r in ws.query(sql, params)]


def image_choices(ws: Workspace) -> dict[str, list[str]]:
    """Distinct lateralities and views, for the viewer's filter boxes."""
    return {
        col: [
            r[0]
            for r in ws.query(
                f"SELECT DISTINCT {col} FROM images WHERE {col} IS NOT NULL ORDER BY 1"
            )
        ]
        for col in ("laterality", "view")
    }


def image_record(ws: Workspace, image_id: int) -> dict[str, Any] | None:
    """One image row, with `full_path` resolved against the workspace."""
    rows = ws.query("SELECT * FROM images WHERE id = ?", (image_id,))
    if not rows:
        return None
    rec = dict(rows[0])
    rec["full_path"] = str(ws.resolve(rec["path"]))
    return rec


def _geometry(kind: str, raw: str, box: tuple[float, ...]) -> dict[str, Any]:
    """The outline to draw: circle and polygon as annotated, everything else (box, mask) as
    its bounding box, which the catalogue always stores."""
    try:
        g = json.loads(raw) if raw else {}
    except ValueError:
        g = {}
    if kind == "circle" and {"cx", "cy", "r"} <= g.keys():
        return {"kind": "circle", "cx": float(g["cx"]), "cy": float(g["cy"]), "r": float(g["r"])}
    if kind == "polygon" and len(g.get("points") or ()) >= 3:
        return {"kind": "polygon", "points": [(float(x), float(y)) for x, y in g["points"]]}
    return {"kind": "box", "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3]}


def image_overlays(ws: Workspace, image_id: int) -> dict[str, list[dict[str, Any]]]:
    """Findings (type, pathology, outline) and extracted patch boxes of one image."""
    findings = [
        {
            "id": r["id"],
            "finding_type": r["finding_type"],
            "pathology": r["pathology"],
            "label_raw": r["label_raw"],
            "box": (r["x0"], r["y0"], r["x1"], r["y1"]),
            "outline": _geometry(
                r["geometry_kind"], r["geometry"], (r["x0"], r["y0"], r["x1"], r["y1"])
            ),
        }
        for r in ws.query(
            "SELECT id, finding_type, pathology, label_raw, geometry_kind, geometry, x0, y0, x1, y1"
            " FROM findings WHERE image_id = ? AND x0 IS NOT NULL ORDER BY id",
            (image_id,),
        )
    ]
    patches = [
        {"id": r["id"], "label": r["label"], "box": (r["x0"], r["y0"], r["x1"], r["y1"])}
        for r in ws.query(
            "SELECT id, label, x0, y0, x1, y1 FROM patches WHERE image_id = ? AND x0 IS NOT NULL"
            " ORDER BY id",
            (image_id,),
        )
    ]
    return {"findings": findings, "patches": patches}


def patch_index(
    ws: Workspace,
    label: str | None = None,
    split: str | None = None,
    source: int | None = None,
    lesion_type: str | None = None,
) -> np.ndarray:
    """Patches matching every given filter, as an N x 2 int64 array of (id, store_index) in id
    order. `source` is a `sources.id` (the import a patch's image came from)."""
    where, params = _where(
        [
            ("p.label = ?", label),
            ("p.split = ?", split),
            ("i.source_id = ?", source),
            ("p.lesion_type = ?", lesion_type),
        ]
    )
    join = " JOIN images i ON i.id = p.image_id" if source is not None else ""
    cur = ws.conn.cursor()
    cur.row_factory = None  # plain tuples: several times faster than sqlite3.Row for 150K rows
    rows = cur.execute(
        f"SELECT p.id, p.store_index FROM patches p{join}{where} ORDER BY p.id", params
    )
    flat = np.fromiter((v for row in rows for v in row), dtype=np.int64)
    return flat.reshape(-1, 2)


def patch_choices(ws: Workspace) -> dict[str, list[Any]]:
    """Values the browser's filters offer: splits, lesion types, and (id, name) of sources."""
    distinct = {
        col: [
            r[0]
            for r in ws.query(
                f"SELECT DISTINCT {col} FROM patches WHERE {col} IS NOT NULL ORDER BY 1"
            )
        ]
        for col in ("split", "lesion_type")
    }
    distinct["source"] = [
        (r["id"], f"{r['format']}: {r['root'].rstrip('/').rsplit('/', 1)[-1]}")
        for r in ws.query("SELECT id, format, root FROM sources ORDER BY id")
    ]
    return distinct


def patch_record(ws: Workspace, patch_id: int) -> dict[str, Any] | None:
    """One patch's metadata with its source image key, its finding's label in the source
    dataset (label_raw) and parsed extraction parameters."""
    rows = ws.query(
        "SELECT p.*, i.image_key, i.laterality, i.view, f.label_raw FROM patches p"
        " LEFT JOIN images i ON i.id = p.image_id LEFT JOIN findings f ON f.id = p.finding_id"
        " WHERE p.id = ?",
        (patch_id,),
    )
    if not rows:
        return None
    rec = dict(rows[0])
    try:
        rec["params"] = json.loads(rec["params"]) if rec["params"] else {}
    except ValueError:
        rec["params"] = {"raw": rec["params"]}
    return rec


def dataset_overview(ws: Workspace) -> dict[str, dict[str, int]]:
    """Counts for the data panel's charts: findings by type, patches by split and class."""
    findings = {
        r[0]: r[1]
        for r in ws.query(
            "SELECT finding_type, COUNT(*) FROM findings GROUP BY finding_type ORDER BY 2 DESC"
        )
    }
    patches: dict[str, dict[str, int]] = {}
    for label, split, n in ws.query(
        "SELECT label, COALESCE(split, 'none'), COUNT(*) FROM patches GROUP BY 1, 2"
    ):
        patches.setdefault(label, {})[split] = n
    return {"findings_by_type": findings, "patches_by_split": patches}


def import_issues(ws: Workspace, limit: int = 5000) -> list[dict[str, Any]]:
    """The stored report of past imports: rows skipped and files not read, with reasons."""
    rows = ws.query(
        "SELECT kind, COALESCE(row, path) AS what, reason FROM import_issues ORDER BY id LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]
