"""Shard workspaces (`extract --shard i/n --out DIR`) and the host lock of a workspace.

The catalogue's images live inside its folder (relative paths), so a copy of the template is a
workspace of its own, and the shard workspace must find them through absolute paths."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.errors import WorkspaceError
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.runner import drive
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace
from mammogan_core.workspace.lock import WRITERS_DIR, writers

N_IMAGES = 6

PATCH_SQL = (
    "SELECT id, image_id, label, COALESCE(finding_id, 0) AS finding_id, lesion_type, "
    "x0, y0, x1, y1, split, params FROM patches"
)


def catalogued(root: Path) -> Path:
    """A catalogued workspace at `root`, never extracted, its images inside it."""
    with Workspace.create(root) as ws:
        build_catalogue(ws, root / "data", N_IMAGES)
    return root


def extracted_once(template: Path, root: Path) -> dict:  # type: ignore[type-arg]
    """The state of one extraction of a copy of `template` on one machine, in this process."""
    with Workspace.open(shutil.copytree(template, root)) as ws:
        drive(extract_patches(ws, ExtractParams(), Control(), workers=0), lambda e: None)
        return state(ws)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tests take copies (`main`)."""
    return catalogued(tmp_path_factory.mktemp("shards") / "main")


@pytest.fixture
def main(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "main"))


def state(ws: Workspace) -> dict:  # type: ignore[type-arg]
    """Every patch (catalogue row and a hash of its pixels, without ids and store positions,
    which depend on the order images were committed in) and every image's split."""
    rows = ws.query(PATCH_SQL)
    pixels = ws.patch_pixels([r["id"] for r in rows])
    patches = sorted(
        (*tuple(r)[1:], hashlib.sha256(p.tobytes()).hexdigest()) for r, p in zip(rows, pixels)
    )
    images = [tuple(r) for r in ws.query("SELECT id, split, extracted_at IS NOT NULL FROM images")]
    return {"patches": patches, "images": images}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = run_cli([*argv, "--json", "--quiet"]).exit_code
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def extract_shard(capsys, main: Path, out: Path, shard: str, *extra: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    code, summary = cli(
        capsys, "extract", "--workspace", str(main), "--shard", shard, "--out", str(out),
        "--workers", "0", *extra,
    )  # fmt: skip
    assert code == 0, summary
    return summary


def test_a_shard_workspace_is_written_and_the_main_one_only_read(
    main: Path, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    def files() -> dict[Path, int]:  # SQLite's -wal and -shm of a reader aside
        skip = (".sqlite-wal", ".sqlite-shm")
        return {p: p.stat().st_mtime_ns for p in main.rglob("*") if p.suffix not in skip}

    before = files()
    summary = extract_shard(capsys, main, tmp_path / "s0", "0/2")
    assert summary["images_done"] == N_IMAGES // 2 and summary["shard"] == "0/2"
    assert files() == before
    with Workspace.open(tmp_path / "s0") as shard:
        # every image copied (the split is drawn over all of them), its path made absolute
        paths = [r[0] for r in shard.query("SELECT path FROM images")]
        assert len(paths) == N_IMAGES and all(Path(p).is_absolute() for p in paths)
        done = [r[0] for r in shard.query("SELECT id FROM images WHERE extracted_at IS NOT NULL")]
        assert done and all(i % 2 == 0 for i in done)
    # the same command again resumes the shard: nothing left to do
    assert extract_shard(capsys, main, tmp_path / "s0", "0/2")["images_done"] == 0
    code, summary = cli(
        capsys, "extract", "--workspace", str(main), "--shard", "1/2", "--out", str(tmp_path / "s0")
    )
    assert code == 2 and "not shard 1/2" in summary["error"]


def test_out_needs_a_shard(main: Path, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, summary = cli(capsys, "extract", "--workspace", str(main), "--out", str(tmp_path / "s"))
    assert code == 2 and "--out needs --shard" in summary["error"]
    assert not (tmp_path / "s").exists()


def register(root: Path, host: str, pid: int) -> Path:
    file = root / WRITERS_DIR / f"{pid}@{host}.json"
    file.parent.mkdir(exist_ok=True)
    file.write_text(json.dumps({"host": host, "pid": pid, "since": "2026-01-01T00:00:00+00:00"}))
    return file


def test_a_workspace_held_by_another_host_is_refused(main: Path, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    held = register(main, "node17.cluster", 4242)
    code, summary = cli(capsys, "extract", "--workspace", str(main), "--workers", "0")
    assert code == 2
    assert "open for writing on another host: host node17.cluster (pid 4242" in summary["error"]
    assert str(held) in summary["error"]  # what to delete once that job is gone
    with Workspace.open(main) as ws:
        assert ws.counts()["lesion_patches"] == 0
        with pytest.raises(WorkspaceError, match="node17"):
            drive(extract_patches(ws, ExtractParams(), Control(), workers=0), lambda e: None)
    # nor can a shard copy a catalogue another host may be writing
    code, summary = cli(
        capsys, "extract", "--workspace", str(main), "--shard", "0/2", "--out", str(tmp_path / "s")
    )
    assert code == 2 and "node17.cluster" in summary["error"]


def test_a_stale_writer_of_this_host_is_cleared_and_live_ones_share(main: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    gone = register(main, socket.gethostname(), _dead_pid())
    alive = register(main, socket.gethostname(), os.getppid())  # this host: shares
    assert [w.pid for w in writers(main)] == [os.getppid()]
    assert not gone.exists() and alive.exists()
    code, summary = cli(capsys, "extract", "--workspace", str(main), "--workers", "0")
    assert code == 0 and summary["images_done"] == N_IMAGES
    assert [w.file for w in writers(main)] == [alive]  # this run's own entry removed at the end


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid
