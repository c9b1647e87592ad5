"""The SQLite catalogue of a workspace: schema version, migrations, transactions."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from ..errors import WorkspaceError

SCHEMA_VERSION = 2

# Migrations from version N-1 to N, applied in order inside one transaction each.
MIGRATIONS: dict[int, str] = {
    2: """
    ALTER TABLE images ADD COLUMN split_key TEXT;
    ALTER TABLE images ADD COLUMN normal_excluded TEXT;
    ALTER TABLE runs ADD COLUMN warnings TEXT;
    """,
}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _schema_sql() -> str:
    return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) a catalogue in WAL mode: readers never block the writer, and a crash
    mid-transaction rolls back on the next open."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe against corruption
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (the connection is in
    autocommit mode, so nothing is half-committed)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def initialise(conn: sqlite3.Connection, app_version: str) -> None:
    with transaction(conn):
        for statement in _split_sql(_schema_sql()):
            conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('created_at', ?)", (utc_now(),)
        )
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('app_version', ?)", (app_version,)
        )


def _split_sql(script: str) -> list[str]:
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"the catalogue cannot be read ({exc})", path) from exc
    if row is None:
        raise WorkspaceError("the catalogue has no schema version", path)
    return int(row["value"])


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring an older catalogue up to SCHEMA_VERSION; refuse a newer one."""
    version = schema_version(conn, path)
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"the workspace has schema version {version}, newer than this MammoGAN understands "
            f"({SCHEMA_VERSION}); update MammoGAN to open it",
            path,
        )
    while version < SCHEMA_VERSION:
        version += 1
        with transaction(conn):
            for statement in _split_sql(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
