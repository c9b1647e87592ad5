"""Exit codes and messages a script can rely on: 2 with the reason for input that yields
nothing, 130 / 143 after a clean stop on Ctrl-C / SIGTERM with the command that resumes it, one
form for list flags, output folders that are never mixed with stale files."""

from __future__ import annotations

import json
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.testing import datasets as samples
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

PYTHON_CLI = [sys.executable, "-m", "mammogan_core"]


def err_of(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


def test_importing_an_empty_folder_exits_2_and_leaves_no_workspace(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    ws = tmp_path / "ws"
    assert (
        run_cli(["import", str(empty), "--format", "images", "--workspace", str(ws)]).exit_code == 2
    )
    assert "no image imported" in err_of(capsys)
    assert not ws.exists()
    given = tmp_path / "given"  # an existing empty folder stays, emptied of what create made
    given.mkdir()
    assert (
        run_cli(["import", str(empty), "--format", "images", "--workspace", str(given)]).exit_code
        == 2
    )
    assert given.is_dir() and not any(given.iterdir())


def test_mias_without_its_films_exits_2_with_the_reason(tmp_path: Path, capsys) -> None:
    src = samples.write_mias(tmp_path / "mias")
    for film in src.glob("*.pgm"):
        film.unlink()
    ws = tmp_path / "ws"
    assert run_cli(["import", str(src), "--format", "mias", "--workspace", str(ws)]).exit_code == 2
    err = err_of(capsys)
    assert "rows were not used" in err and "no image file for id mdb001" in err
    assert not ws.exists()


def test_text_summary_of_an_import_lists_what_was_dropped(tmp_path: Path, capsys) -> None:
    src = samples.write_mias(tmp_path / "mias")
    (src / "mdb002.pgm").unlink()
    assert (
        run_cli(
            ["import", str(src), "--format", "mias", "--workspace", str(tmp_path / "ws")]
        ).exit_code
        == 0
    )
    out = capsys.readouterr().out
    assert "skipped: " in out and "no image file for id mdb002" in out
    assert "=None" not in out


def test_nothing_to_list_or_train_on_exits_2(tmp_path: Path, capsys) -> None:
    Workspace.create(tmp_path / "ws").close()
    ws = str(tmp_path / "ws")
    assert run_cli(["patches", "--workspace", ws, "--out", str(tmp_path / "png")]).exit_code == 2
    assert "no patches; run `mammogan extract` first" in err_of(capsys)
    train = ["train", "--workspace", ws, "--preset", "tiny", "--device", "cpu"]
    assert run_cli(train).exit_code == 2
    assert "no patches match" in err_of(capsys)


@pytest.mark.parametrize(
    "command",
    [
        ["import", "SRC"],
        ["extract"],
        ["patches", "--out", "OUT"],
        ["train", "--preset", "tiny"],
        ["generate", "--run", "x", "--n", "1", "--out", "OUT"],
        ["info"],
        ["runs"],
    ],
    ids=lambda c: c[0],
)
def test_a_workspace_path_that_is_a_file_exits_2(
    tmp_path: Path, command: list[str], capsys
) -> None:
    src = samples.write_inbreast(tmp_path / "src")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a workspace")
    args = [str(src) if a == "SRC" else str(tmp_path / "out") if a == "OUT" else a for a in command]
    assert run_cli([*args, "--workspace", str(a_file)]).exit_code == 2
    assert f"{a_file}: this is a file, not a workspace folder" in err_of(capsys)


def test_weights_that_are_not_a_checkpoint_are_named_as_such(tmp_path: Path, capsys) -> None:
    weights = tmp_path / "w.pt"
    weights.write_text("hi")
    gen = ["generate", "--weights", str(weights), "--n", "1", "--out", str(tmp_path / "o")]
    assert run_cli(gen).exit_code == 2
    err = err_of(capsys)
    assert "not a PyTorch checkpoint or state dict" in err and "Python objects" not in err


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("extract", "--lesion-types: tumour not among mass, calcification"),  # the settings' check
        ("train", "--lesion-types: tumour not among mass, calcification"),
    ],
)
def test_lesion_types_take_one_checked_comma_list(
    tmp_path: Path, command: str, words: str, capsys
) -> None:
    Workspace.create(tmp_path / "ws").close()
    argv = [command, "--workspace", str(tmp_path / "ws"), "--lesion-types", "mass,tumour"]
    try:
        code = run_cli(argv).exit_code
    except SystemExit as exc:  # argparse rejects a value that breaks its setting itself
        code = int(exc.code)
    assert code == 2
    assert words in err_of(capsys)


def test_patches_refuses_a_non_empty_folder_and_overwrite_keeps_other_files(
    tmp_path: Path, capsys
) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 2, lesions_per_image=(1,))
    ws = str(tmp_path / "ws")
    assert run_cli(["extract", "--workspace", ws, "--workers", "0", "--quiet"]).exit_code == 0
    out = tmp_path / "png"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "999999.png").write_bytes(b"stale")
    patches = ["patches", "--workspace", ws, "--out", str(out), "--label", "lesion", "--json"]
    assert run_cli(patches).exit_code == 2
    assert "--overwrite" in err_of(capsys)
    assert run_cli([*patches, "--overwrite"]).exit_code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["patches"] == 2
    assert (out / "notes.txt").read_text() == "mine" and not (out / "999999.png").exists()
    assert len(list(out.glob("*.png"))) == 2


# ------------------------------------------------------------------ signals
N_IMAGES = 30


@pytest.fixture(scope="module")
def catalogued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of large enough images that extraction is still running when signalled."""
    root = tmp_path_factory.mktemp("signals")
    with Workspace.create(root / "ws") as ws:
        build_catalogue(ws, root / "data", N_IMAGES, shape=(1600, 1300))
    return root / "ws"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_extraction_cleanly_with_the_resume_command(
    catalogued: Path, tmp_path: Path, signum: int, code: int
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(catalogued, ws)
    cmd = ["extract", "--workspace", str(ws), "--workers", "1", "--json"]
    proc = subprocess.Popen(
        [*PYTHON_CLI, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # the first line is logged when the extraction starts
        if line.startswith("extracting"):
            break
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == code, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["status"] == "stopped" and summary["images_done"] < N_IMAGES
    resume = next(ln for ln in err.splitlines() if ln.startswith("to resume: "))
    assert shlex.split(resume.removeprefix("to resume: ")) == ["mammogan", *cmd]
    again = subprocess.run([*PYTHON_CLI, *cmd], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    rest = json.loads(again.stdout.strip().splitlines()[-1])
    assert rest["status"] == "finished"
    assert summary["images_done"] + rest["images_done"] == N_IMAGES
    with Workspace.open(ws) as opened:
        assert not opened.query("SELECT 1 FROM images WHERE extracted_at IS NULL")
