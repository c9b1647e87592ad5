"""Output folders (`mammogan phantom --out`, `mammogan patches --out`): a non-empty folder is
refused unless --overwrite, which replaces only the command's own files; a stopped run is
finished by the same command, which it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.cli import main as cli_main
from mammogan_core.control import Control
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace


def phantom(out: Path, *extra: str) -> list[str]:
    return ["phantom", "--out", str(out), "--rows", "256", "--cols", "210", "--quiet", *extra]


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def stop_at_check(n: int) -> type[Control]:
    """A Control, for run_cli to create, that asks for a stop at the operation's n-th check."""

    class StopsAtCheck(Control):
        checks = 0

        def check(self) -> None:
            StopsAtCheck.checks += 1
            if StopsAtCheck.checks == n:
                self.stop()
            super().check()

    return StopsAtCheck


def test_a_folder_with_other_files_is_refused_and_overwrite_keeps_them(tmp_path, capsys):
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert cli_main.run_cli(phantom(out, "--n", "2")).exit_code == 2
    assert "--overwrite" in capsys.readouterr().err and not (out / "images").exists()
    assert cli_main.run_cli(phantom(out, "--n", "2", "--overwrite", "--json")).exit_code == 0
    assert last_json(capsys)["status"] == "finished"
    assert (out / "notes.txt").read_text() == "mine"


def test_overwrite_leaves_no_image_of_the_earlier_corpus(tmp_path, capsys):
    out = tmp_path / "corpus"
    assert cli_main.run_cli(phantom(out, "--n", "4")).exit_code == 0
    assert cli_main.run_cli(phantom(out, "--n", "2")).exit_code == 2  # a finished corpus
    assert cli_main.run_cli(phantom(out, "--n", "2", "--overwrite")).exit_code == 0
    images = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.dcm"))
    manifest = (out / "manifest.csv").read_text().splitlines()[1:]
    assert len(images) == 2 == len(manifest)
    assert all(line.split(",")[0] in images for line in manifest)


@pytest.mark.parametrize("film", [False, True])
def test_a_stopped_corpus_says_how_to_resume_and_the_same_command_finishes_it(
    tmp_path, capsys, monkeypatch, film
):
    out = tmp_path / "corpus"
    args = phantom(out, "--n", "4", "--json", *(["--film"] if film else []))
    monkeypatch.setattr(cli_main, "Control", stop_at_check(3))  # after two images
    assert cli_main.run_cli(args).exit_code == 0  # stopped by the operation, not a signal
    stopped = last_json(capsys)
    assert (stopped["status"], stopped["images"]) == ("stopped", 2)
    assert stopped["resume_command"].startswith("mammogan phantom --out")
    monkeypatch.setattr(cli_main, "Control", Control)
    assert cli_main.run_cli(args).exit_code == 0
    assert last_json(capsys)["status"] == "finished"
    assert len(list(out.rglob("*.pgm" if film else "*.dcm"))) == 4


def test_a_stopped_patches_export_is_finished_by_the_same_command(tmp_path, capsys, monkeypatch):
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 2, lesions_per_image=(1,))
    extract = ["extract", "--workspace", str(tmp_path / "ws"), "--workers", "0", "--quiet"]
    assert cli_main.run_cli(extract).exit_code == 0
    out = tmp_path / "png"
    args = ["patches", "--workspace", str(tmp_path / "ws"), "--out", str(out), "--json"]
    monkeypatch.setattr("mammogan_core.extraction.png_export.CHUNK", 2)
    monkeypatch.setattr(cli_main, "Control", stop_at_check(2))  # after one chunk
    assert cli_main.run_cli(args).exit_code == 0
    stopped = last_json(capsys)
    assert (stopped["status"], stopped["patches"]) == ("stopped", 2)
    assert len(list(out.glob("*.png"))) == 2
    assert "mammogan patches" in stopped["resume_command"] and not (out / "index.csv").exists()
    monkeypatch.setattr(cli_main, "Control", Control)
    assert cli_main.run_cli(args).exit_code == 0
    done = last_json(capsys)
    assert done["status"] == "finished" and done["patches"] > 0
    assert len(list(out.glob("*.png"))) == done["patches"]
    assert cli_main.run_cli(args).exit_code == 2  # a finished export is not written over


def test_bad_phantom_arguments_leave_no_folder(tmp_path, capsys):
    out = tmp_path / "corpus"
    assert cli_main.run_cli(phantom(out, "--n", "0")).exit_code == 2
    assert "at least 1" in capsys.readouterr().err and not out.exists()
