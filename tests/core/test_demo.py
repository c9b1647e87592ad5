"""The demo end to end (small), and killing it at random moments then continuing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from mammogan_core.demo import is_complete_demo, run_demo
from mammogan_core.workspace import Workspace


def test_demo_runs_every_step_and_is_idempotent(tmp_path):
    summary = run_demo(tmp_path / "demo", n_images=4, seed=3, train_epochs=2)
    assert summary["images"] == 4
    assert summary["lesion_patches"] > 0 and summary["normal_patches"] > 0
    assert summary["runs"] == 1
    assert summary["steps"]["train"]["status"] == "finished"
    assert is_complete_demo(tmp_path / "demo")
    again = run_demo(tmp_path / "demo", n_images=4, seed=3, train_epochs=2)
    assert {
        k: again[k] for k in ("images", "findings", "lesion_patches", "normal_patches", "runs")
    } == {k: summary[k] for k in ("images", "findings", "lesion_patches", "normal_patches", "runs")}


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_s", [1.5, 4.0])
def test_demo_killed_at_any_moment_reopens_and_completes(tmp_path, kill_after_s):
    folder = tmp_path / "demo"
    cmd = [
        sys.executable,
        "-m",
        "mammogan_core",
        "demo",
        "--workspace",
        str(folder),
        "--no-gui",
        "--images",
        "4",
        "--epochs",
        "30",
        "--quiet",
        "--json",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after_s)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if (folder / "workspace.json").exists():  # whatever was committed opens cleanly
        Workspace.open(folder).close()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["images"] == 4 and summary["lesion_patches"] > 0
    assert summary["steps"]["train"]["status"] == "finished"
    with Workspace.open(folder) as ws:
        stores = ws.query("SELECT COUNT(*), COUNT(DISTINCT store_index) FROM patches")[0]
        assert stores[0] == stores[1] == summary["lesion_patches"] + summary["normal_patches"]
