"""`mammogan --version`: MammoGAN's, torch's (with its CUDA build or CPU) and Qt's versions,
read without importing torch or Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import torch

from mammogan_core import __version__
from mammogan_core.cli import version
from mammogan_core.cli.main import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_version_names_mammogan_torch_and_its_build(capsys) -> None:
    assert run_cli(["--version"]).exit_code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"MammoGAN {__version__}"
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU"
    assert lines[1].split()[:2] == ["torch", torch.__version__]
    assert f"({build} build)" in lines[1]
    assert lines[2].startswith("Qt ")


def test_version_after_a_command_name_is_answered_by_argparse(capsys) -> None:
    try:
        run_cli(["--version", "info"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out.startswith(f"MammoGAN {__version__}\n")


def test_a_cuda_build_is_read_from_torch_version_file(tmp_path: Path) -> None:
    (tmp_path / "version.py").write_text(
        "from typing import Optional\n__version__ = '2.5.1+cu124'\n"
        "cuda: Optional[str] = '12.4'\nhip: Optional[str] = None\n"
    )
    assert version.torch_build(tmp_path) == ("2.5.1+cu124", "12.4")
    (tmp_path / "version.py").write_text("__version__ = '2.5.1+cpu'\ncuda = None\n")
    assert version.torch_build(tmp_path) == ("2.5.1+cpu", None)


def test_without_qt_the_line_says_not_installed(monkeypatch) -> None:
    real = version._installed
    monkeypatch.setattr(
        version, "_installed", lambda d: None if d in version.QT_DISTRIBUTIONS else real(d)
    )
    assert "Qt       not installed" in version.version_text()


def test_version_imports_neither_torch_nor_qt() -> None:
    code = (
        "import sys; from app.entry import main; code = main(['--version']);"
        "print(code, 'torch' in sys.modules, 'PySide6.QtCore' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "0 False False"
