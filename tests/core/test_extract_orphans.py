"""No orphans: `mammogan extract` killed with SIGKILL takes its worker processes with it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

N_IMAGES = 40

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc: psutil is not a dependency)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit may wait for a reaper that never comes)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def extracted(catalogue: Path) -> int:
    with sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL"
        ).fetchone()[0]


def test_sigkilled_extract_leaves_no_worker_processes(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", N_IMAGES)
        catalogue = ws.root / "catalogue.sqlite"
    # Many overlapping normal patches per image: each image takes a while, so the kill lands
    # while the pool is busy.
    args = ["extract", "--workspace", str(tmp_path / "ws"), "--workers", "2"]
    args += ["--normal-per-image", "400", "--normal-overlap", "--quiet"]
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mammogan_core", *args], stdout=subprocess.DEVNULL, stderr=err
        )
    try:
        deadline = time.monotonic() + 120
        while not extracted(catalogue) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [p for p in children(proc.pid) if running(p)]
        done_at_kill = extracted(catalogue)
        assert proc.poll() is None, log.read_text()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert 0 < done_at_kill < N_IMAGES  # killed mid-run, with the pool at work
    assert len(workers) >= 2  # the two workers (and the resource tracker)
    deadline = time.monotonic() + 10
    while any(running(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if running(p)]
    for p in left:  # do not leave them behind for the rest of the test session
        os.kill(p, signal.SIGKILL)
    assert left == [], f"worker processes still alive after the parent was killed: {left}"
