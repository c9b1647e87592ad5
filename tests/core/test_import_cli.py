"""`mammogan import`: workspace creation, --json summary, filters, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.testing import datasets as samples


def exit_code(argv: list[str]) -> int:
    try:
        return run_cli(argv).exit_code
    except SystemExit as exc:  # argparse rejects bad choices itself
        return int(exc.code)


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_import_creates_the_workspace_and_prints_the_summary(tmp_path: Path, capsys) -> None:
    src = samples.write_inbreast(tmp_path / "INbreast Release 1.0")
    ws = tmp_path / "new" / "ws"
    assert run_cli(["import", str(src), "--workspace", str(ws), "--json"]).exit_code == 0
    summary = last_json(capsys)
    assert set(summary) >= {
        "images",
        "findings",
        "findings_by_type",
        "skipped",
        "errors",
        "source_id",
        "format",
    }
    assert (summary["format"], summary["images"], summary["findings"]) == ("inbreast", 3, 4)
    assert (ws / "workspace.json").is_file()
    # the same import into the existing workspace: nothing doubles
    assert run_cli(["import", str(src), "--workspace", str(ws), "--json"]).exit_code == 0
    assert last_json(capsys)["images"] == 3


def test_filters_and_explicit_annotations(tmp_path: Path, capsys) -> None:
    src = samples.write_optimam(tmp_path / "omi")
    args = [
        "import",
        str(src),
        "--workspace",
        str(tmp_path / "ws"),
        "--json",
        "--format",
        "optimam",
        "--annotations",
        str(src / "lesions.csv"),
        "--filter",
        "PresentationIntentType=FOR PRESENTATION",
    ]
    assert run_cli(args).exit_code == 0
    summary = last_json(capsys)
    assert summary["images"] == 2
    assert any(s["reason"].startswith("filtered:") for s in summary["skipped"])


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--annotations", "{src}/nope.csv"], "annotation file not found"),
        (
            ["--format", "vindr", "--annotations", "{src}/labels.csv"],
            "missing column(s) 'study_id'",
        ),
        (["--filter", "Manufacturer"], "bad filter"),
        (["--format", "ddsm"], "'ddsm' is not one of auto, mias"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, capsys, extra: list[str], message: str) -> None:
    src = samples.write_generic(tmp_path / "gen")
    argv = ["import", str(src), "--workspace", str(tmp_path / "ws")]
    assert exit_code(argv + [a.format(src=src) for a in extra]) == 2
    assert message in capsys.readouterr().err
    # Inputs are checked (annotation columns included) before the workspace is created.
    assert not (tmp_path / "ws").exists()


def test_missing_source_exits_2_and_creates_nothing(tmp_path: Path, capsys) -> None:
    assert exit_code(["import", str(tmp_path / "nope"), "--workspace", str(tmp_path / "ws")]) == 2
    assert "no such source folder" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()
