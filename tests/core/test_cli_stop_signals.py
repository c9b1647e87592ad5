"""A stop is clean every time: Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
or SIGTERM (to the process, as `timeout` or a scheduler sends it) at a random moment of
`mammogan extract` gives 130 / 143, never a traceback or a "worker died", and the same command
then finishes the workspace to the counts of a run that was never stopped. About 90 s on two
busy cores: most of it is starting Python 20 times."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

PYTHON_CLI = [sys.executable, "-m", "mammogan_core"]
RUNS = 20
N_IMAGES = 8


def _extract(ws: Path) -> list[str]:
    return [*PYTHON_CLI, "extract", "--workspace", str(ws), "--workers", "1", "--json"]


def _counts(ws: Path) -> tuple[int, int, int]:
    with Workspace.open(ws) as opened:
        counts = opened.counts()
        left = len(opened.query("SELECT 1 FROM images WHERE extracted_at IS NULL"))
    return counts["lesion_patches"], counts["normal_patches"], left


def _wait_for_stop_handler(pid: int) -> None:
    """Until the process catches SIGTERM (Python alone does not): before that it is still
    starting the interpreter, and a signal gets the interpreter's default, not ours."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            caught = next(ln for ln in status.read_text().splitlines() if ln.startswith("SigCgt"))
        except (FileNotFoundError, ProcessLookupError):
            return  # it has ended already
        if int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.005)
    raise AssertionError("the command never installed its stop handler")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_signals_at_random_moments_always_stop_cleanly_and_resume(tmp_path: Path) -> None:
    template = tmp_path / "template"
    with Workspace.create(template) as ws:
        build_catalogue(ws, tmp_path / "data", N_IMAGES, shape=(480, 400))
    reference = tmp_path / "reference"
    shutil.copytree(template, reference)
    started = time.monotonic()
    done = subprocess.run(_extract(reference), capture_output=True, text=True, timeout=300)
    whole_s = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    expected = _counts(reference)
    assert expected[2] == 0 and expected[0] > 0 and expected[1] > 0

    rng = random.Random(18)
    signalled = 0
    for run in range(RUNS):
        ws = tmp_path / f"run{run}"
        shutil.copytree(template, ws)
        signum = (signal.SIGINT, signal.SIGTERM)[run % 2]
        proc = subprocess.Popen(
            _extract(ws),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a terminal gives a command
        )
        _wait_for_stop_handler(proc.pid)
        # anywhere from loading the commands and opening the workspace to the last images
        time.sleep(rng.uniform(0.0, 0.8 * whole_s))
        if proc.poll() is None:
            signalled += 1
            if signum == signal.SIGINT:
                os.killpg(proc.pid, signum)
            else:
                proc.send_signal(signum)
        out, err = proc.communicate(timeout=300)
        where = f"run {run}, signal {signum.name}:\n{err}"
        assert proc.returncode in (0, 128 + signum), where
        assert "Traceback" not in err and "reentrant" not in err, where
        assert "worker process died" not in err and "worker process died" not in out, where
        if proc.returncode:
            assert "stopping after the current step" in err, where
            summary = json.loads(out.strip().splitlines()[-1])
            assert not summary["errors"], where
            # a signal after the last image: all done, said so, and still the stop's exit code
            assert summary["status"] == "stopped" or summary["images_done"] == N_IMAGES, where
        # the same command finishes it (in this process, to keep the test short)
        assert (
            run_cli(["extract", "--workspace", str(ws), "--workers", "0", "--quiet"]).exit_code == 0
        )
        assert _counts(ws) == expected, where
    assert signalled >= RUNS // 2  # most runs were really stopped, not finished first
