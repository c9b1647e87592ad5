"""`mammogan train` / `mammogan generate`: --json summaries, PNG output, exit codes, and a run
killed with SIGKILL that resumes from its last checkpoint."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.models import build_models
from mammogan_core.training.runs import list_runs
from mammogan_core.workspace import Workspace

from .test_train import SUMMARY_KEYS, add_lesions

TRAIN = ["train", "--preset", "tiny", "--device", "cpu", "--json", "--quiet"]


def json_tail(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture
def ws_path(workspace):
    add_lesions(workspace)
    return str(workspace.root)


def test_train_and_generate_from_the_run(ws_path, tmp_path, capsys) -> None:
    assert run_cli([*TRAIN, "--workspace", ws_path, "--epochs", "1"]).exit_code == 0
    summary = json_tail(capsys)
    assert (
        set(summary) >= SUMMARY_KEYS and summary["steps"] == 3 and summary["resumed_from_step"] == 0
    )
    out = tmp_path / "synthetic"
    code = run_cli(
        [
            "generate",
            "--workspace",
            ws_path,
            "--run",
            summary["run"],
            "--checkpoint",
            "last",
            "--n",
            "5",
            "--out",
            str(out),
            "--json",
        ]
    ).exit_code
    assert code == 0
    gen = json_tail(capsys)
    assert gen["patches"] == 5 and gen["out"] == str(out) and len(gen["files"]) == 5
    for f in gen["files"]:
        img = np.asarray(Image.open(f))
        assert img.dtype == np.uint8 and img.shape == (128, 128)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n"] == 5 and manifest["source"]["run"] == summary["run"]


def test_generate_from_weights_without_workspace(tmp_path, capsys) -> None:
    g, _, _ = build_models("alyafi2020")
    weights = tmp_path / "malign_mass_gen"
    torch.save(g.state_dict(), weights)
    out = tmp_path / "out"
    assert (
        run_cli(
            ["generate", "--weights", str(weights), "--n", "2", "--out", str(out), "--json"]
        ).exit_code
        == 0
    )
    assert len(json_tail(capsys)["files"]) == 2
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"PK not really")
    assert (
        run_cli(["generate", "--weights", str(bad), "--n", "2", "--out", str(out)]).exit_code == 2
    )
    assert "bad.pt" in capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_requested_when_absent_exits_2(ws_path, capsys) -> None:
    assert run_cli([*TRAIN, "--workspace", ws_path, "--device", "cuda"]).exit_code == 2
    err = capsys.readouterr().err
    assert "CUDA was requested but torch.cuda.is_available() is False" in err


def test_sigkill_then_resume_completes(ws_path, capsys) -> None:
    # 40 patches / batch 16 = 3 steps per epoch, 6 epochs = 18 steps, a checkpoint every 2.
    args = [
        "--workspace",
        ws_path,
        "--epochs",
        "6",
        "--checkpoint-every",
        "2",
        "--checkpoint-unit",
        "steps",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mammogan_core", *TRAIN, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runs = Workspace.open(ws_path)
    try:
        deadline = time.monotonic() + 120
        while not list(runs.runs_dir.glob("*/checkpoints/ckpt_step*.pt")):
            assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint appeared"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        (run_id,) = [p.name for p in runs.runs_dir.iterdir()]
        row = runs.query("SELECT status, step FROM runs WHERE id=?", (run_id,))[0]
        listed = list_runs(runs)
    finally:
        runs.close()
    assert row["status"] == "running" and row["step"] < 18  # killed mid-run, no clean exit
    assert [r["status"] for r in listed] == ["interrupted"]  # its process is gone
    assert run_cli([*TRAIN, "--workspace", ws_path, "--resume", run_id]).exit_code == 0
    summary = json_tail(capsys)
    assert summary["run"] == run_id and summary["steps"] == 18 and summary["epochs"] == 6
    assert 2 <= summary["resumed_from_step"] < 18


def add_findings_with_pathology(
    ws, pathologies: list[str], kinds: list[str] | None = None, pixels: np.ndarray | None = None
) -> None:
    """One image, one finding per pathology (masses unless `kinds` says), one lesion patch of
    each (random pixels unless given; catalogue rows as the importer and extractor write them)."""
    kinds = kinds or ["mass"] * len(pathologies)
    with ws.transaction() as conn:
        src = conn.execute(
            "INSERT INTO sources(root, format, imported_at) VALUES ('data', 'generic', 'now')"
        ).lastrowid
        image = conn.execute(
            "INSERT INTO images(source_id, image_key, path) VALUES (?, 'img', 'img.dcm')", (src,)
        ).lastrowid
        finding_ids = [
            conn.execute(
                "INSERT INTO findings(image_id, finding_type, pathology, geometry_kind, geometry, "
                "source_row) VALUES (?, ?, ?, 'box', '{}', ?)",
                (image, kind, pathology, f"row{i}"),
            ).lastrowid
            for i, (kind, pathology) in enumerate(zip(kinds, pathologies))
        ]
    if pixels is None:
        rng = np.random.default_rng(0)
        pixels = rng.integers(0, 256, (len(pathologies), 128, 128), dtype=np.uint8)
    rows = [
        {
            "label": "lesion",
            "lesion_type": kind,
            "split": "train",
            "finding_id": f,
            "image_id": image,
        }
        for f, kind in zip(finding_ids, kinds)
    ]
    ws.add_patches(pixels, rows)


def test_pathology_filter_selects_through_the_findings(workspace, capsys) -> None:
    add_findings_with_pathology(workspace, ["benign"] * 3 + ["malignant"] * 5 + ["unknown"])
    ws = str(workspace.root)
    base = [*TRAIN, "--workspace", ws, "--epochs", "1"]
    counts = {}
    for flag in ("malignant", "benign,unknown", "all"):
        assert run_cli([*base, "--pathology", flag]).exit_code == 0
        run = json_tail(capsys)["run"]
        info = json.loads((workspace.runs_dir / run / "config.json").read_text())
        counts[flag] = (info["selection"]["count"], info["selection"]["pathology"])
    assert counts == {
        "malignant": (5, ["malignant"]),
        "benign,unknown": (4, ["benign", "unknown"]),
        "all": (9, None),
    }
    with pytest.raises(SystemExit) as exited:  # argparse checks the value against the setting
        run_cli([*base, "--pathology", "malign"])
    assert exited.value.code == 2
    assert "--pathology: malign not among benign, malignant, unknown" in capsys.readouterr().err


def test_alyafi2020_trains_on_masses_in_fp32_unless_told_otherwise() -> None:
    from mammogan_core.training import preset_config

    paper = preset_config("alyafi2020")
    assert (paper.lesion_types, paper.pathology, paper.amp) == (("mass",), None, "off")
    assert preset_config("dcgan").lesion_types is None  # the app's default: every type


def test_resume_with_fewer_epochs_than_done_exits_2_with_the_numbers(ws_path, capsys) -> None:
    assert run_cli([*TRAIN, "--workspace", ws_path, "--epochs", "2"]).exit_code == 0
    run = json_tail(capsys)["run"]  # 40 patches / batch 16: 3 steps per epoch
    assert (
        run_cli([*TRAIN, "--workspace", ws_path, "--resume", run, "--epochs", "1"]).exit_code == 2
    )
    err = capsys.readouterr().err
    assert f"run {run} has already trained 6 steps (2 epochs)" in err
    assert "--epochs 2 or more, not 1" in err
    with Workspace.open(ws_path) as ws:
        (row,) = ws.query("SELECT status, step, config FROM runs WHERE id=?", (run,))
    assert (row["status"], row["step"], json.loads(row["config"])["epochs"]) == ("finished", 6, 2)


def test_sigterm_stops_training_marks_it_stopped_and_the_printed_command_resumes(
    ws_path, capsys
) -> None:
    args = ["--workspace", ws_path, "--epochs", "6", "--checkpoint-every", "2"]
    args += ["--checkpoint-unit", "steps"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mammogan_core", *TRAIN, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs_dir = Workspace.open(ws_path)
    try:
        deadline = time.monotonic() + 120
        while not list(runs_dir.runs_dir.glob("*/checkpoints/ckpt_step*.pt")):
            assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        (row,) = runs_dir.query("SELECT id, status, step FROM runs")
    finally:
        runs_dir.close()
    assert proc.returncode == 143, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["status"] == "stopped" and summary["steps"] < 18
    assert (row["status"], row["step"]) == ("stopped", summary["steps"])  # checkpoint written
    command = shlex.split(summary["resume_command"])
    assert command == ["mammogan", "train", "--workspace", ws_path, "--resume", row["id"]]
    assert f"to resume: {summary['resume_command']}" in err
    assert run_cli([*command[1:], "--json", "--quiet"]).exit_code == 0
    assert json_tail(capsys)["steps"] == 18
