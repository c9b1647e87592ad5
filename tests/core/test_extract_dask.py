"""Extraction through a local Dask cluster (2 worker processes): the same patches as the local
executor, and a writer killed mid-run whose rerun ends as one uninterrupted run. Without Dask
(`pip install "mammogan[cluster]"`), `--executor dask` is a usage error that says how to get it."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace

from .test_shards import catalogued, extracted_once, state

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason='the cluster extra is not installed (pip install "mammogan[cluster]")',
)

# The writer of a subprocess, slowed down (a test harness, not a product hook) so that a kill
# lands after a few images are committed and before the last one.
SLOW_WRITER = """
import sys, time
import mammogan_core.extraction.pipeline as pipeline
real = pipeline.commit
def slow(*args, **kwargs):
    real(*args, **kwargs)
    time.sleep(0.5)
pipeline.commit = slow
from mammogan_core.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return catalogued(tmp_path_factory.mktemp("dask") / "main")


@pytest.fixture(scope="module")
def local_run(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    """The state of one extraction by the local executor, in this process."""
    return extracted_once(template, tmp_path_factory.mktemp("local") / "ws")


@pytest.fixture
def main(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "main"))


@needs_dask
def test_a_local_dask_cluster_gives_the_local_executors_patches(
    main: Path, local_run: dict
) -> None:  # type: ignore[type-arg]
    events: list = []  # type: ignore[type-arg]
    with Workspace.open(main) as ws:
        summary = drive(
            extract_patches(ws, ExtractParams(), Control(), workers=2, executor="dask"),
            events.append,
        )
        assert summary["executor"] == "dask" and summary["images_done"] == 6
        assert summary["errors"] == [] and summary["status"] == "finished"
        assert state(ws) == local_run
    assert "on a local Dask cluster of 2 worker processes" in events[0].message


def committed(root: Path) -> int:
    with Workspace.open(root) as ws:
        return ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL")[0][0]


@needs_dask
def test_a_writer_killed_mid_run_then_run_again_ends_as_one_run(
    main: Path, local_run: dict
) -> None:  # type: ignore[type-arg]
    import psutil

    argv = ["extract", "--workspace", str(main), "--executor", "dask", "--workers", "1", "--quiet"]
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, *argv])
    try:
        deadline = time.monotonic() + 120
        while committed(main) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)  # no clean-up at all: the writer dies between commits
    finally:
        proc.kill()
        proc.wait()
    assert 2 <= committed(main) < 6, "the kill did not land mid-run"
    # the cluster's processes (a nanny and its worker) end with the writer that started them
    assert len(workers) >= 2
    _, alive = psutil.wait_procs(workers, timeout=30)
    for p in alive:
        p.kill()
    assert alive == []
    # the rest, here by this machine's executor (the settings, not the executor, must match)
    assert (
        run_cli(["extract", "--workspace", str(main), "--workers", "0", "--quiet"]).exit_code == 0
    )
    with Workspace.open(main) as ws:
        assert state(ws) == local_run
        stored = ws.query("SELECT COUNT(*), COUNT(DISTINCT store_index) FROM patches")[0]
        assert stored[0] == stored[1] == len(local_run["patches"])


def test_without_dask_the_flag_says_how_to_install_it(
    main: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    code = run_cli(["extract", "--workspace", str(main), "--executor", "dask"]).exit_code
    assert code == 2
    assert 'pip install "mammogan[cluster]"' in capsys.readouterr().err
    assert committed(main) == 0
