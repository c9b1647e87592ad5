"""Who trains a run: a run left 'running' by a dead process is listed as 'interrupted', and a
run that a live process trains is not resumed by another one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.training import train
from mammogan_core.training.owner import _start_ticks, is_alive, this_process
from mammogan_core.training.runs import list_runs

from .test_train import add_lesions, tiny

linux = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@linux
def test_liveness_of_processes() -> None:
    me = this_process()
    assert is_alive(me) is True and me["start"] == _start_ticks(os.getpid())
    assert is_alive({**me, "pid": dead_pid()}) is False
    assert is_alive({**me, "start": me["start"] + 1}) is False  # the pid was recycled
    assert is_alive({**me, "host": socket.gethostname() + "-elsewhere"}) is None
    assert is_alive(None) is None


def set_owner(ws, run_id: str, owner: dict) -> None:
    path = ws.runs_dir / run_id / "config.json"
    info = json.loads(path.read_text())
    path.write_text(json.dumps({**info, "process": owner}))
    with ws.transaction() as conn:
        conn.execute("UPDATE runs SET status='running' WHERE id=?", (run_id,))


@linux
def test_running_runs_of_dead_or_live_processes(workspace) -> None:
    add_lesions(workspace, 16)
    *_, last = train(workspace, tiny(epochs=1), Control())
    run_id = last.summary.run
    assert [r["status"] for r in list_runs(workspace)] == ["finished"]

    parent = {"pid": os.getppid(), "host": socket.gethostname()}  # alive, not this process
    parent["start"] = _start_ticks(parent["pid"])
    set_owner(workspace, run_id, parent)
    assert [r["status"] for r in list_runs(workspace)] == ["running"]
    with pytest.raises(InputError, match=f"being trained by process {parent['pid']}"):
        list(train(workspace, None, Control(), resume=run_id))

    set_owner(workspace, run_id, {**parent, "pid": dead_pid()})
    (run,) = list_runs(workspace)
    assert run["status"] == "interrupted" and run["config"]["epochs"] == 1
    *_, resumed = train(workspace, tiny(epochs=2), Control(), resume=run_id)
    assert resumed.summary.resumed_from_step == 2 and resumed.summary.steps == 4
    assert [r["status"] for r in list_runs(workspace)] == ["finished"]
