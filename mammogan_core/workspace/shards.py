"""Shard workspaces: a node's own workspace for one extraction shard, merged back afterwards.

A shard workspace is a copy of the main workspace's catalogue without its patches: the same
sources, images (their ids, so `--shard i/n` picks the same images and the normal patches draw
the same random windows) and findings, and the main one's extraction settings. Image paths are
made absolute, so the shard's workers read the images where the main workspace finds them. The
copy holds every image, not only the shard's, so the patient-level split drawn in it is the
main workspace's.

The main catalogue is read once, read-only, when the shard workspace is made; afterwards the
node writes only its own folder (its local disk), never the shared one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..errors import WorkspaceError
from .lock import refuse_other_hosts
from .workspace import MARKER, Workspace

SHARD_KEY = "shard_of"  # meta: {"workspace", "created_at" (the main one's), "shard": "i/n"}
COPIED_TABLES = ("sources", "images", "findings")
OWN_META = ("schema_version", "created_at", "app_version", SHARD_KEY)


def open_shard(main_root: str | Path, out: str | Path, shard: tuple[int, int]) -> Workspace:
    """The shard workspace at `out`: made from the main workspace on the first run, reopened
    (to resume) on the next ones."""
    main_root = Path(main_root).expanduser().resolve()
    out = Path(out).expanduser()
    spec = f"{shard[0]}/{shard[1]}"
    if (out / MARKER).exists():
        ws = Workspace.open(out)
        origin = shard_origin(ws)
        if origin is None or origin["shard"] != spec:
            ws.close()
            made = f"shard {origin['shard']}" if origin else "not a shard workspace"
            raise WorkspaceError(f"--out holds another workspace ({made}), not shard {spec}", out)
        return ws
    refuse_other_hosts(main_root, "copy the catalogue for a shard")
    main = _read_only(main_root)
    try:
        ws = Workspace.create(out)
        try:
            _copy_catalogue(main, main_root, ws, spec)
        except BaseException:
            ws.close()
            raise
    finally:
        main.close()
    return ws


def shard_origin(ws: Workspace) -> dict[str, str] | None:
    """What `ws` is a shard of (None: not a shard workspace)."""
    row = ws.query("SELECT value FROM meta WHERE key = ?", (SHARD_KEY,))
    return json.loads(row[0][0]) if row else None


def _read_only(root: Path) -> sqlite3.Connection:
    db = root / "catalogue.sqlite"
    if not (root / MARKER).exists() or not db.exists():
        raise WorkspaceError("not a MammoGAN workspace (no workspace.json or catalogue)", root)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=30.0)
    conn.row_factory = sqlite3.Row
    return conn


def _copy_catalogue(main: sqlite3.Connection, main_root: Path, ws: Workspace, spec: str) -> None:
    meta = dict(main.execute("SELECT key, value FROM meta").fetchall())
    mine = ws.query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
    if meta.get("schema_version") != mine:
        raise WorkspaceError(
            f"the workspace has schema version {meta.get('schema_version')}, this MammoGAN "
            f"{mine}: open it once with `mammogan info` to update it first",
            main_root,
        )
    with ws.transaction() as conn:
        for table in COPIED_TABLES:
            rows = main.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            if not rows:
                continue
            names = rows[0].keys()
            insert = (
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            )
            for row in rows:
                values = dict(row)
                if table == "images":
                    path = Path(values["path"])
                    values["path"] = str(path if path.is_absolute() else main_root / path)
                conn.execute(insert, list(values.values()))
        for key, value in meta.items():
            if key not in OWN_META:
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
        origin = {"workspace": str(main_root), "created_at": meta["created_at"], "shard": spec}
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (SHARD_KEY, json.dumps(origin)))
