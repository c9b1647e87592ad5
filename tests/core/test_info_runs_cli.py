"""`mammogan info` and `mammogan runs`: what a workspace holds, as text and --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_info_and_runs_of_a_workspace_with_patches_and_a_run(tmp_path: Path, capsys) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 6, lesions_per_image=(2, 1))
    ws = str(tmp_path / "ws")
    common = ["--workspace", ws, "--quiet"]
    assert run_cli(["runs", *common]).exit_code == 0
    assert "no training runs yet" in capsys.readouterr().out
    extract = ["extract", "--workers", "0", "--normal-per-image", "2"]
    assert run_cli([*extract, *common, "--json"]).exit_code == 0
    extracted = last_json(capsys)
    train = ["train", "--preset", "tiny", "--device", "cpu", "--epochs", "1", "--split", "all"]
    assert run_cli([*train, *common, "--batch-size", "3", "--json"]).exit_code == 0
    trained = last_json(capsys)

    assert run_cli(["runs", *common, "--json"]).exit_code == 0
    runs = last_json(capsys)["runs"]
    assert [r["id"] for r in runs] == [trained["run"]]
    run = runs[0]
    assert (run["status"], run["preset"], run["epochs"], run["step"]) == (
        "finished",
        "tiny",
        1,
        trained["steps"],
    )
    assert run["created_at"] and isinstance(run["warnings"], list)

    assert run_cli(["info", *common, "--json"]).exit_code == 0
    info = last_json(capsys)
    assert (info["images"], info["findings"]) == (6, 9)
    assert sum(info["findings_by_type"].values()) == 9
    assert info["lesion_patches"] == extracted["lesion_patches"]
    by_split = info["patches_by_split"]
    assert sum(by_split["lesion"].values()) == extracted["lesion_patches"]
    assert sum(by_split["normal"].values()) == extracted["normal_patches"]
    assert set(by_split["lesion"]) <= {"train", "val", "test"}
    assert [(r["id"], r["status"], r["step"]) for r in info["runs"]] == [
        (trained["run"], "finished", trained["steps"])
    ]
    assert (info["exports"], info["reviews"]) == (0, 0)

    assert run_cli(["info", *common]).exit_code == 0
    text = capsys.readouterr().out
    assert "images: 6" in text and "findings: 9 (" in text
    assert f"lesion patches: {extracted['lesion_patches']} (" in text
    assert f"{trained['run']}  finished  step {trained['steps']}" in text
    assert run_cli(["runs", *common]).exit_code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "id", "status", "preset", "epochs", "step", "created", "best", "warnings"
    ]  # fmt: skip
    assert lines[1].split()[:5] == [trained["run"], "finished", "tiny", "1", str(trained["steps"])]


def test_info_and_runs_fall_back_to_the_last_workspace_and_say_so(tmp_path: Path, capsys) -> None:
    assert run_cli(["info", "--quiet"]).exit_code == 2  # nothing used yet: --workspace needed
    assert "needs --workspace DIR\n" in capsys.readouterr().err
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 2, lesions_per_image=(1,))
    other = tmp_path / "other"
    Workspace.create(other).close()
    assert run_cli(["info", "--workspace", str(tmp_path / "ws"), "--quiet"]).exit_code == 0
    capsys.readouterr()

    assert run_cli(["info", "--quiet", "--json"]).exit_code == 0
    out = capsys.readouterr()
    assert last_json_of(out.out)["images"] == 2
    assert f"workspace: {(tmp_path / 'ws').resolve()} (the last one used" in out.err
    # a command that changes a workspace never falls back; it names the candidate
    assert run_cli(["extract", "--quiet"]).exit_code == 2
    assert (
        f"the last one used: --workspace {(tmp_path / 'ws').resolve()}" in capsys.readouterr().err
    )
    assert run_cli(["runs", "--workspace", str(other), "--quiet"]).exit_code == 0
    capsys.readouterr()
    assert run_cli(["runs", "--quiet"]).exit_code == 0  # now the other one
    assert f"workspace: {other.resolve()} (the last one used" in capsys.readouterr().err


def last_json_of(out: str) -> dict:  # type: ignore[type-arg]
    return json.loads(out.strip().splitlines()[-1])


def test_the_runs_table_keeps_warnings_short_and_verbose_prints_them_whole(
    tmp_path: Path, capsys
) -> None:
    from mammogan_core.cli.commands.runs import WARNING_WIDTH
    from mammogan_core.training import runs
    from mammogan_core.training.config import TrainConfig

    long = "step 600: the generator's samples have collapsed: " + "near-constant images " * 20
    with Workspace.create(tmp_path / "ws") as ws:
        runs.start_run(ws, "run-a", {"train": TrainConfig().to_dict()}, fresh=True)
        runs.set_status(ws, "run-a", "finished")
        runs.add_warning(ws, "run-a", long)
        runs.add_warning(ws, "run-a", "a second warning")
    common = ["--workspace", str(tmp_path / "ws"), "--quiet"]

    assert run_cli(["runs", *common]).exit_code == 0
    lines = capsys.readouterr().out.splitlines()
    cell = next(line for line in lines if line.startswith("run-a")).split("  ")[-1].strip()
    assert cell == "step 600: the generator's samples have… (+1 more)"
    assert len(cell) <= WARNING_WIDTH + len(" (+1 more)")
    assert lines[-1] == "(mammogan runs --verbose prints the warnings whole)"

    assert run_cli(["runs", *common, "--verbose"]).exit_code == 0
    text = capsys.readouterr().out
    assert f"    warning: {long}\n" in text and "    warning: a second warning\n" in text
