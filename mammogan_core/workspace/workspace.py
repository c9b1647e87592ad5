"""A workspace: one folder holding one study.

<workspace>/
  workspace.json        marker (format name, created_at)
  catalogue.sqlite      images, findings, patches, runs, metrics, reviews, exports
  patches/pixels_u8.bin memory-mapped N x 128 x 128 patch store (+ pixels_u16.bin variant)
  data/                 images that live inside the workspace (the demo corpus)
  runs/                 one folder per training run / experiment
  exports/              exported datasets
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from ..atomic import atomic_write_json
from ..errors import WorkspaceError
from . import catalogue
from .patch_store import PATCH_SIZE, PatchStore

if TYPE_CHECKING:
    from ..events import Event

MARKER = "workspace.json"
FORMAT_NAME = "mammogan-workspace"

PATCH_COLUMNS = (
    "label",
    "image_id",
    "finding_id",
    "lesion_type",
    "x0",
    "y0",
    "x1",
    "y1",
    "split",
    "params",
)


# What a creation killed before its marker was written can have left behind.
_LAYOUT_ENTRIES = {
    "patches",
    "data",
    "runs",
    "exports",
    "catalogue.sqlite",
    "catalogue.sqlite-wal",
    "catalogue.sqlite-shm",
    "catalogue.sqlite-journal",
}


def _refuse_file(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise WorkspaceError(
            "this is a file, not a workspace folder; give --workspace a folder", root
        )


def _only_layout_entries(root: Path) -> bool:
    """Empty, or holding only what an interrupted `create` makes (so it can be redone)."""
    return all(p.name in _LAYOUT_ENTRIES for p in root.iterdir())


class Workspace:
    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.conn = conn
        self._stores: dict[str, PatchStore] = {}

    # ---------------------------------------------------------------- opening
    @classmethod
    def create(cls, root: str | Path) -> Workspace:
        """Create a new workspace in an empty (or missing) folder."""
        root = Path(root).expanduser().resolve()
        _refuse_file(root)
        if (root / MARKER).exists():
            raise WorkspaceError("a workspace already exists here", root)
        if root.exists() and not _only_layout_entries(root):
            raise WorkspaceError("the folder is not empty; choose a new or empty folder", root)
        try:
            for sub in ("patches", "data", "runs", "exports"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # e.g. a file where a parent folder should be
            raise WorkspaceError(f"the folder cannot be created ({exc.strerror})", root) from None
        conn = catalogue.connect(root / "catalogue.sqlite")
        catalogue.initialise(conn, __version__)
        # The marker is written last: a folder without it was never a finished workspace.
        atomic_write_json(root / MARKER, {"format": FORMAT_NAME, "created_at": catalogue.utc_now()})
        return cls(root, conn)

    @classmethod
    def open(cls, root: str | Path) -> Workspace:
        root = Path(root).expanduser().resolve()
        _refuse_file(root)
        if not root.is_dir():
            raise WorkspaceError("no such folder", root)
        marker = root / MARKER
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WorkspaceError(
                "not a MammoGAN workspace (no workspace.json); create one with "
                "`mammogan demo` or `mammogan import --workspace NEW_FOLDER ...`",
                root,
            ) from None
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"workspace.json cannot be read ({exc})", root) from exc
        if not isinstance(info, dict) or info.get("format") != FORMAT_NAME:
            raise WorkspaceError("workspace.json does not describe a MammoGAN workspace", root)
        db = root / "catalogue.sqlite"
        if not db.exists():
            raise WorkspaceError("the workspace has no catalogue.sqlite", root)
        try:
            conn = catalogue.connect(db)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"the catalogue cannot be read ({exc})", db) from exc
        catalogue.migrate(conn, db)
        return cls(root, conn)

    @classmethod
    def open_or_create(cls, root: str | Path) -> Workspace:
        root = Path(root).expanduser()
        if (root / MARKER).exists():
            return cls.open(root)
        return cls.create(root)

    def in_own_session(self, op: Callable[[Workspace], Iterator[Event]]) -> Iterator[Event]:
        """Run `op` on a second connection to this workspace, opened and closed by the
        generator itself: work in a worker thread then never shares the GUI's connection (a
        transaction of one is not the other's, and closing the GUI's does not pull the
        worker's from under it)."""
        own = Workspace.open(self.root)
        try:
            yield from op(own)
        finally:
            own.close()

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- paths
    def rel(self, path: str | Path) -> str:
        """The path as stored: relative when inside the workspace, absolute otherwise."""
        p = Path(path).expanduser().resolve()
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            return str(p)

    def resolve(self, stored: str) -> Path:
        p = Path(stored)
        return p if p.is_absolute() else self.root / p

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    # ---------------------------------------------------------------- catalogue
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with catalogue.transaction(self.conn) as conn:
            yield conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "images": q("SELECT COUNT(*) FROM images").fetchone()[0],
            "findings": q("SELECT COUNT(*) FROM findings").fetchone()[0],
            "lesion_patches": q("SELECT COUNT(*) FROM patches WHERE label='lesion'").fetchone()[0],
            "normal_patches": q("SELECT COUNT(*) FROM patches WHERE label='normal'").fetchone()[0],
            "runs": q("SELECT COUNT(*) FROM runs").fetchone()[0],
        }

    # ---------------------------------------------------------------- patches
    def patch_store(self, dtype: str = "uint8") -> PatchStore:
        if dtype not in self._stores:
            suffix = {"uint8": "u8", "uint16": "u16"}[dtype]
            self._stores[dtype] = PatchStore(self.root / "patches" / f"pixels_{suffix}.bin", dtype)
        return self._stores[dtype]

    def _next_store_index(self) -> int:
        row = self.conn.execute("SELECT MAX(store_index) FROM patches").fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def add_patches(
        self,
        pixels: np.ndarray,
        rows: Sequence[dict[str, Any]],
        pixels_u16: np.ndarray | None = None,
        extra_sql: Sequence[tuple[str, Sequence[Any]]] = (),
    ) -> list[int]:
        """Store patch pixels, then commit their catalogue rows (and `extra_sql`, e.g. marking
        the image done) in one transaction. The store rows are taken and written inside the
        write transaction, so several processes (extraction shards) may add patches at once."""
        if len(rows) != len(pixels):
            raise ValueError("one catalogue row per patch")
        now = catalogue.utc_now()
        ids: list[int] = []
        with self.transaction() as conn:
            start = self._next_store_index()
            if len(rows):
                self.patch_store("uint8").write(start, pixels)
                if pixels_u16 is not None:
                    self.patch_store("uint16").write(start, pixels_u16)
            for i, row in enumerate(rows):
                values = [row.get(c) for c in PATCH_COLUMNS]
                if isinstance(values[-1], dict):
                    values[-1] = json.dumps(values[-1], sort_keys=True)
                cur = conn.execute(
                    f"INSERT INTO patches(store_index, {', '.join(PATCH_COLUMNS)}, created_at) "
                    f"VALUES (?, {', '.join('?' * len(PATCH_COLUMNS))}, ?)",
                    [start + i, *values, now],
                )
                ids.append(int(cur.lastrowid))
            for sql, params in extra_sql:
                conn.execute(sql, params)
        return ids

    def patch_pixels(
        self, patch_ids: Sequence[int] | np.ndarray, dtype: str = "uint8"
    ) -> np.ndarray:
        """Pixels of the given patches (N x 128 x 128), in the order given."""
        ids = [int(i) for i in patch_ids]
        if not ids:
            return np.zeros((0, PATCH_SIZE, PATCH_SIZE), np.dtype(dtype))
        index: dict[int, int] = {}
        for chunk_start in range(0, len(ids), 900):  # SQLite's parameter limit
            chunk = ids[chunk_start : chunk_start + 900]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT id, store_index FROM patches WHERE id IN ({marks})", chunk
            ):
                index[r[0]] = r[1]
        missing = [i for i in ids if i not in index]
        if missing:
            raise KeyError(f"unknown patch ids: {missing[:5]}")
        return np.asarray(self.patch_store(dtype).read(np.array([index[i] for i in ids])))

    def patch_store_count(self) -> int:
        """Rows of the pixel store that hold committed patches."""
        return self._next_store_index()
