"""The workspace: creation, reopening, refusal of non-workspaces and newer schemas, patches."""

from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest

from mammogan_core.errors import WorkspaceError
from mammogan_core.workspace import Workspace
from mammogan_core.workspace.catalogue import SCHEMA_VERSION


def test_create_makes_layout_and_reopens(tmp_path):
    ws = Workspace.create(tmp_path / "study")
    for sub in ("patches", "runs", "exports", "data"):
        assert (ws.root / sub).is_dir()
    assert json.loads((ws.root / "workspace.json").read_text())["format"] == "mammogan-workspace"
    ws.close()
    again = Workspace.open(tmp_path / "study")
    assert again.counts() == {
        "images": 0,
        "findings": 0,
        "lesion_patches": 0,
        "normal_patches": 0,
        "runs": 0,
    }
    again.close()


def test_open_plain_folder_is_a_clear_error(tmp_path):
    (tmp_path / "photos").mkdir()
    with pytest.raises(WorkspaceError, match="not a MammoGAN workspace") as info:
        Workspace.open(tmp_path / "photos")
    assert str(tmp_path / "photos") in str(info.value)


def test_create_refuses_non_empty_folder(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("x")
    with pytest.raises(WorkspaceError, match="not empty"):
        Workspace.create(tmp_path / "busy")


def test_newer_schema_is_refused(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    conn = sqlite3.connect(tmp_path / "ws" / "catalogue.sqlite")
    conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()
    with pytest.raises(WorkspaceError, match="newer than this MammoGAN"):
        Workspace.open(tmp_path / "ws")


def test_version_1_catalogue_is_migrated(tmp_path):
    """A workspace made before schema 2 opens, gains the new columns and keeps its rows."""
    Workspace.create(tmp_path / "ws").close()
    conn = sqlite3.connect(tmp_path / "ws" / "catalogue.sqlite")
    for table, column in (
        ("images", "split_key"),
        ("images", "normal_excluded"),
        ("runs", "warnings"),
    ):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.execute(
        "INSERT INTO runs(id, kind, status, config, created_at, updated_at) "
        "VALUES ('r1', 'train', 'finished', '{}', 'now', 'now')"
    )
    conn.commit()
    conn.close()
    ws = Workspace.open(tmp_path / "ws")
    version = ws.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION == 2
    columns = {r[1] for r in ws.conn.execute("PRAGMA table_info(images)")}
    assert {"split_key", "normal_excluded"} <= columns
    assert ws.conn.execute("SELECT id, warnings FROM runs").fetchall()[0][:] == ("r1", None)
    ws.close()


def test_damaged_catalogue_is_a_clear_error(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    (tmp_path / "ws" / "catalogue.sqlite").write_bytes(b"this is not sqlite" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / "ws" / f"catalogue.sqlite{suffix}").unlink(missing_ok=True)
    with pytest.raises(WorkspaceError, match="cannot be read"):
        Workspace.open(tmp_path / "ws")


def _rows(n, label="lesion"):
    return [
        {
            "label": label,
            "lesion_type": "mass" if label == "lesion" else None,
            "x0": i,
            "y0": 0,
            "x1": i + 128,
            "y1": 128,
            "split": "train",
            "params": {"scale": "box"},
        }
        for i in range(n)
    ]


def test_patches_round_trip_and_grow(workspace):
    rng = np.random.default_rng(0)
    first = rng.integers(0, 256, (5, 128, 128), dtype=np.uint8)
    ids = workspace.add_patches(first, _rows(5))
    # enough rows to force the store to grow past its first chunk
    second = rng.integers(0, 256, (4100, 128, 128), dtype=np.uint8)
    ids2 = workspace.add_patches(second, _rows(4100, "normal"))
    assert workspace.counts()["lesion_patches"] == 5
    assert workspace.counts()["normal_patches"] == 4100
    np.testing.assert_array_equal(workspace.patch_pixels(ids), first)
    np.testing.assert_array_equal(
        workspace.patch_pixels([ids2[-1], ids[0]]), np.stack([second[-1], first[0]])
    )
    params = workspace.query("SELECT params FROM patches WHERE id=?", (ids[0],))[0][0]
    assert json.loads(params) == {"scale": "box"}


def test_uint16_variant_shares_indices(workspace):
    px8 = np.full((3, 128, 128), 7, np.uint8)
    px16 = np.full((3, 128, 128), 4000, np.uint16)
    ids = workspace.add_patches(px8, _rows(3), pixels_u16=px16)
    assert workspace.patch_pixels(ids, dtype="uint16").max() == 4000
    assert workspace.patch_pixels(ids).max() == 7


def test_failed_transaction_commits_nothing(workspace):
    px = np.zeros((2, 128, 128), np.uint8)
    with pytest.raises(sqlite3.IntegrityError):
        workspace.add_patches(px, _rows(2), extra_sql=[("INSERT INTO runs(id) VALUES ('x')", ())])
    assert workspace.counts()["lesion_patches"] == 0
    # the next write reuses the uncommitted rows of the pixel store
    ids = workspace.add_patches(np.ones((1, 128, 128), np.uint8), _rows(1))
    assert workspace.query("SELECT store_index FROM patches WHERE id=?", (ids[0],))[0][0] == 0


def test_paths_inside_are_relative_so_workspace_can_move(tmp_path):
    ws = Workspace.create(tmp_path / "a")
    inside = ws.data_dir / "img.dcm"
    inside.write_bytes(b"x")
    stored = ws.rel(inside)
    assert stored == "data/img.dcm"
    outside = tmp_path / "elsewhere.dcm"
    assert ws.rel(outside) == str(outside.resolve())
    ws.close()
    shutil.move(tmp_path / "a", tmp_path / "b")
    moved = Workspace.open(tmp_path / "b")
    assert moved.resolve(stored).read_bytes() == b"x"
    moved.close()


def test_creation_interrupted_before_the_marker_can_be_redone(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    (tmp_path / "ws" / "workspace.json").unlink()  # as if killed just before the marker
    ws = Workspace.open_or_create(tmp_path / "ws")
    assert ws.counts()["images"] == 0
    ws.close()


def test_in_own_session_uses_a_separate_connection_closed_at_the_end(workspace):
    from mammogan_core.events import Finished

    seen = {}

    def op(ws):
        seen["ws"] = ws
        assert ws is not workspace and ws.root == workspace.root
        with ws.transaction() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('from_worker', '1')")
        yield Finished({"ok": True})

    events = list(workspace.in_own_session(op))
    assert events == [Finished({"ok": True})]
    assert workspace.query("SELECT value FROM meta WHERE key='from_worker'")[0][0] == "1"
    with pytest.raises(sqlite3.ProgrammingError):
        seen["ws"].query("SELECT 1")  # closed once the operation ended
