"""`mammogan phantom --out`: a non-empty folder is refused unless --overwrite, which replaces
only the corpus's own files; a stopped corpus is finished by the same command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.cli import main as cli_main
from mammogan_core.control import Control


def phantom(out: Path, *extra: str) -> list[str]:
    return ["phantom", "--out", str(out), "--rows", "256", "--cols", "210", "--quiet", *extra]


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


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
    class StopsAfterTwoImages(Control):
        checks = 0

        def check(self) -> None:
            StopsAfterTwoImages.checks += 1
            if StopsAfterTwoImages.checks == 3:
                self.stop()
            super().check()

    out = tmp_path / "corpus"
    args = phantom(out, "--n", "4", "--json", *(["--film"] if film else []))
    monkeypatch.setattr(cli_main, "Control", StopsAfterTwoImages)
    assert cli_main.run_cli(args).exit_code == 0  # stopped by the operation, not a signal
    stopped = last_json(capsys)
    assert (stopped["status"], stopped["images"]) == ("stopped", 2)
    assert stopped["resume_command"].startswith("mammogan phantom --out")
    monkeypatch.setattr(cli_main, "Control", Control)
    assert cli_main.run_cli(args).exit_code == 0
    assert last_json(capsys)["status"] == "finished"
    assert len(list(out.rglob("*.pgm" if film else "*.dcm"))) == 4
