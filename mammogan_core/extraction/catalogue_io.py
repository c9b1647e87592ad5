"""What extraction reads from and writes to the catalogue: the parameter check, the images to do,
and the one-transaction commit of an image's patches."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ..errors import InputError
from ..workspace import Workspace
from ..workspace.catalogue import utc_now
from .params import META_KEY, ExtractParams
from .worker import FindingBox, ImageResult, ImageTask

Shard = tuple[int, int]


def _shard_sql(shard: Shard | None, column: str = "id") -> tuple[str, list[int]]:
    if shard is None:
        return "", []
    return f" AND {column} % ? = ?", [shard[1], shard[0]]


_STORED_SQL = "SELECT value FROM meta WHERE key = ?"
_DONE_SQL = "SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL"


def _conflict(stored_json: str | None, done: int, params: ExtractParams) -> str | None:
    stored = ExtractParams.from_dict(json.loads(stored_json)) if stored_json else None
    if stored is None or stored == params or not done:
        return None
    old, new = stored.to_dict(), params.to_dict()
    diff = ", ".join(f"{k}: {old.get(k)} -> {v}" for k, v in new.items() if old.get(k) != v)
    return f"{done} images were extracted with other parameters ({diff})"


def stored_params(ws: Workspace) -> ExtractParams:
    """The parameters of the workspace's extraction; the defaults before the first one."""
    row = ws.query(_STORED_SQL, (META_KEY,))
    return ExtractParams.from_dict(json.loads(row[0][0])) if row else ExtractParams()


def parameter_conflict(ws: Workspace, params: ExtractParams) -> str | None:
    """Why `params` cannot simply continue this workspace's extraction (images were extracted
    with other parameters), or None. The GUI asks about redoing before it starts."""
    row = ws.query(_STORED_SQL, (META_KEY,))
    return _conflict(row[0][0] if row else None, ws.query(_DONE_SQL)[0][0], params)


def prepare(ws: Workspace, params: ExtractParams, shard: Shard | None, redo: bool) -> str | None:
    """Refuse other parameters than those of the images already extracted (unless `redo`:
    then the shard's lesion / normal patches are discarded). Returns a warning or None."""
    warning = None
    with ws.transaction() as conn:
        row = conn.execute(_STORED_SQL, (META_KEY,)).fetchone()
        done = conn.execute(_DONE_SQL).fetchone()[0]
        conflict = _conflict(row[0] if row else None, done, params)
        if conflict and not redo:
            raise InputError(
                f"{conflict}; run with the same parameters to continue, or add --redo to "
                "discard their patches and start again"
            )
        if redo:
            where, args = _shard_sql(shard, "image_id")
            conn.execute(
                f"DELETE FROM patches WHERE label IN ('lesion', 'normal') AND image_id IS NOT NULL{where}",
                args,
            )
            where, args = _shard_sql(shard)
            conn.execute(f"UPDATE images SET extracted_at = NULL WHERE 1{where}", args)
            if shard is not None and done:
                warning = (
                    "--redo with --shard redid this shard only: run --redo on the other shards too"
                )
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, params.to_json())
        )
    return warning


def pending_tasks(
    ws: Workspace, params: ExtractParams, shard: Shard | None
) -> tuple[list[ImageTask], dict[int, str]]:
    """The images of the shard not extracted yet (by id), and every image's split."""
    where, args = _shard_sql(shard)
    images = ws.query(
        "SELECT id, path, spacing_mm, split, normal_excluded FROM images"
        f" WHERE extracted_at IS NULL{where} ORDER BY id",
        args,
    )
    findings: dict[int, list[FindingBox]] = defaultdict(list)
    for f in ws.query(
        "SELECT f.id, f.image_id, f.finding_type, f.x0, f.y0, f.x1, f.y1 FROM findings f "
        f"JOIN images i ON i.id = f.image_id WHERE i.extracted_at IS NULL{_shard_sql(shard, 'i.id')[0]} "
        "ORDER BY f.id",
        args,
    ):
        located = None not in (f["x0"], f["y0"], f["x1"], f["y1"])
        box = (f["x0"], f["y0"], f["x1"], f["y1"]) if located else None
        findings[f["image_id"]].append(FindingBox(f["id"], f["finding_type"], box))
    tasks = [
        ImageTask(
            r["id"],
            str(ws.resolve(r["path"])),
            tuple(findings[r["id"]]),
            r["spacing_mm"],
            params,
            r["normal_excluded"],
        )
        for r in images
    ]
    return tasks, {r["id"]: r["split"] for r in images}


def commit(ws: Workspace, result: ImageResult, split: str | None, params_json: str) -> None:
    """The image's patches and its `extracted_at` in one transaction: a kill loses at most the
    images in flight, and a re-run skips the committed ones."""
    rows = [
        dict(r, image_id=result.image_id, split=split, params=_patch_params(r, params_json))
        for r in result.rows
    ]
    ws.add_patches(
        result.pixels,
        rows,
        pixels_u16=result.pixels_u16,
        extra_sql=[
            ("UPDATE images SET extracted_at = ? WHERE id = ?", (utc_now(), result.image_id))
        ],
    )


def _patch_params(row: dict[str, Any], params_json: str) -> str:
    """The run's parameters, plus the border padding of a lesion window longer than the image."""
    if "padded" not in row:
        return params_json
    return json.dumps({**json.loads(params_json), "padded": row["padded"]}, sort_keys=True)
