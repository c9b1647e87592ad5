"""The CLI driver: help, exit codes, --json last line, clean error messages."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from mammogan_core.cli.main import discover_commands, run_cli


def mammogan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mammogan_core", *args], capture_output=True, text=True, timeout=300
    )


def test_help_lists_subcommands():
    out = mammogan("--help")
    assert out.returncode == 0
    for mod in discover_commands():
        assert mod.NAME in out.stdout


@pytest.mark.parametrize("mod", discover_commands(), ids=lambda m: m.NAME)
def test_every_subcommand_takes_common_options(mod, capsys):
    with pytest.raises(SystemExit) as info:
        run_cli([mod.NAME, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--workspace", "--json", "--debug"):
        assert option in text


def test_bad_arguments_exit_2():
    out = mammogan("gui", "--no-such-option")
    assert out.returncode == 2
    assert "unrecognized arguments" in out.stderr


def test_bad_input_exit_2_names_the_path_without_traceback(tmp_path):
    missing = tmp_path / "nowhere"
    out = mammogan("gui", "--workspace", str(missing), "--json")
    assert out.returncode == 2
    assert str(missing) in out.stderr
    assert "Traceback" not in out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["error"].startswith(str(missing))


def test_debug_shows_traceback(tmp_path):
    out = mammogan("gui", "--workspace", str(tmp_path / "nowhere"), "--debug")
    assert out.returncode == 2
    assert "Traceback" in out.stderr


def test_json_is_the_last_line(tmp_path, capsys):
    outcome = run_cli(["gui", "--workspace", str(tmp_path), "--panel", "data", "--json"])
    assert outcome.exit_code == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last)["panel"] == "data"
    assert outcome.gui == {
        "workspace": str(tmp_path),
        "panel": "data",
        "screenshot": None,
        "size": [1400, 900],
    }


class _FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_counts_rate_and_eta_on_a_terminal(monkeypatch):
    from mammogan_core.cli import terminal
    from mammogan_core.events import ItemError, Progress

    clock = iter([0.0, 10.0, 20.0, 20.5])
    monkeypatch.setattr(terminal.time, "monotonic", lambda: next(clock))
    out = _FakeTty()
    reporter = terminal.TerminalReporter(out)
    reporter(Progress(0, 100, "start", "images"))
    reporter(Progress(50, 100, "half", "images"))
    assert "50/100 images" in out.getvalue() and "5/s" in out.getvalue()
    assert "ETA 0:10" in out.getvalue()
    reporter(ItemError("/data/bad.dcm", "not an image"))
    reporter.finish()
    assert "error: /data/bad.dcm: not an image" in out.getvalue()


def test_no_progress_bar_when_not_a_terminal():
    from mammogan_core.cli.terminal import TerminalReporter
    from mammogan_core.events import Progress

    out = io.StringIO()
    TerminalReporter(out)(Progress(1, 2, "x"))
    assert out.getvalue() == ""


def test_help_documents_the_exit_codes():
    for argv in (["--help"], ["extract", "--help"]):
        out = mammogan(*argv)
        assert out.returncode == 0
        assert "130  stopped by Ctrl-C, 143 stopped by SIGTERM" in out.stdout


def test_training_bar_shows_the_latest_losses_and_checkpoints_only_with_debug():
    from mammogan_core.cli.terminal import TerminalReporter
    from mammogan_core.events import CheckpointSaved, Progress, StepMetrics

    out = _FakeTty()
    reporter = TerminalReporter(out)
    reporter(StepMetrics(10, 0, {"loss_d": 1.3862, "loss_g": 0.6931, "d_x": 0.5}))
    reporter(Progress(10, 100, unit="steps"))
    reporter(CheckpointSaved(10, "/runs/r/ckpt.pt"))
    assert "loss_d=1.386 loss_g=0.6931" in out.getvalue() and "d_x" not in out.getvalue()
    assert "ckpt.pt" not in out.getvalue()
    debug = _FakeTty()
    TerminalReporter(debug, debug=True)(CheckpointSaved(10, "/runs/r/ckpt.pt"))
    assert "checkpoint saved: /runs/r/ckpt.pt" in debug.getvalue()


def test_text_summary_leaves_unset_values_out(capsys):
    from mammogan_core.cli.main import _print_summary

    _print_summary("extract", {"workers": 1, "shard": None, "errors": [], "stopped": False})
    assert capsys.readouterr().out == "extract: workers=1, stopped=no\n"
