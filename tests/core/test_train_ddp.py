"""Two-process DDP training on the CPU (gloo) under torchrun, then a resume under DDP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist

from .test_train import add_lesions

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun(ws: str, *args: str) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_addr",
        "127.0.0.1",
        "--master_port",
        str(free_port()),
        "-m",
        "mammogan_core.cli.ddp",
        "--workspace",
        ws,
        "--preset",
        "tiny",
        "--device",
        "cpu",
        "--json",
        *args,
    ]
    out = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()) or not shutil.which(sys.executable),
    reason="torch.distributed with gloo is not available",
)
def test_ddp_two_processes_train_and_resume(workspace) -> None:
    add_lesions(workspace)
    ws = str(workspace.root)
    # 40 patches / (batch 16 x 2 ranks) = 2 steps per epoch
    first = torchrun(ws, "--epochs", "1")
    assert first["steps"] == 2 and first["device"] == "cpu"
    info = json.loads((Path(first["run_dir"]) / "config.json").read_text())
    assert info["world_size"] == 2
    second = torchrun(ws, "--resume", first["run"], "--epochs", "2")
    assert (
        second["run"] == first["run"] and second["steps"] == 4 and second["resumed_from_step"] == 2
    )
    rows = workspace.query("SELECT status, step FROM runs")
    assert [(r["status"], r["step"]) for r in rows] == [("finished", 4)]
    # each rank kept its own batch stream across the resume (had both ranks restored rank 0's,
    # they would draw the same batches and end with the same generator state)
    payload = torch.load(second["checkpoint"], weights_only=True)
    a, b = payload["gen_data_ranks"]
    assert not torch.equal(a, b) and torch.equal(a, payload["gen_data"])
