"""The desktop bundle as a user gets it: `python packaging/build.py` builds dist/MammoGAN, whose
program answers --version, decodes a JPEG 2000 DICOM with the bundled decoders (in spawned
extraction workers), renders a panel offscreen, and whose tarball installs a menu entry.

Minutes of build: only with `pytest --run-bundle tests/packaging`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "dist" / "MammoGAN" / "MammoGAN"


@pytest.fixture(scope="module")
def build() -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def bundled(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run the bundle's program with nothing of this test environment's Python visible."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(PROGRAM), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        timeout=600,
    )


def test_version(build, tmp_path) -> None:
    from mammogan_core import __version__

    out = bundled("--version", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"MammoGAN {__version__}"
    assert lines[1].startswith("torch ") and "(CPU build)" in lines[1]
    assert lines[2].startswith("Qt       PySide6 6.")


@pytest.fixture(scope="module")
def j2k_workspace(build, tmp_path_factory) -> Path:
    """A JPEG 2000 lossless DICOM imported and extracted by the bundle (two spawned workers)."""
    from pydicom import dcmread
    from pydicom.uid import JPEG2000Lossless

    from mammogan_core.testing.datasets.common import dicom

    folder = tmp_path_factory.mktemp("j2k")
    path = dicom(folder / "src" / "breast.dcm", 512, 384, transfer_syntax=JPEG2000Lossless)
    assert dcmread(path).file_meta.TransferSyntaxUID == JPEG2000Lossless
    ws = folder / "ws"
    out = bundled("import", str(folder / "src"), "--format", "images", "--workspace", str(ws),
                  "--json", cwd=folder)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1])["images"] == 1
    out = bundled("extract", "--workspace", str(ws), "--workers", "2", "--json", cwd=folder)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["normal_patches"] > 0 and result["errors"] == [], result
    return ws


def test_a_jpeg2000_dicom_is_decoded_by_the_bundled_plugins(j2k_workspace) -> None:
    out = bundled("info", "--workspace", str(j2k_workspace), "--json", cwd=j2k_workspace)
    assert out.returncode == 0, out.stderr
    assert '"images": 1' in out.stdout


def test_gui_screenshot_renders_a_panel_offscreen(j2k_workspace, tmp_path) -> None:
    from PIL import Image

    shot = tmp_path / "browse.png"
    out = bundled("gui", "--workspace", str(j2k_workspace), "--panel", "browse",
                  "--screenshot", str(shot), "--size", "1400x900", cwd=tmp_path,
                  QT_QPA_PLATFORM="offscreen")  # fmt: skip
    assert out.returncode == 0, out.stderr
    with Image.open(shot) as image:
        assert image.size == (1400, 900)
        assert len(image.convert("L").getcolors(1_000_000) or []) > 20  # drawn, not blank


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball is for Linux")
def test_the_tarball_installs_a_menu_entry(build, tmp_path) -> None:
    with tarfile.open(build["archive"]) as tar:
        tar.extractall(tmp_path, filter="tar")
    top = next(tmp_path.iterdir())
    home = tmp_path / "home"
    out = subprocess.run(["sh", str(top / "install.sh")], capture_output=True, text=True,
                         env={**os.environ, "HOME": str(home), "XDG_DATA_HOME": ""}, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    entry = (home / ".local/share/applications/mammogan.desktop").read_text()
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    program = Path(exec_line.removeprefix("Exec=").strip('"'))
    assert program == top / "MammoGAN" / "MammoGAN" and os.access(program, os.X_OK)
    assert (home / ".local/share/icons/hicolor/scalable/apps/mammogan.svg").is_file()
    assert (home / ".local/bin/mammogan").resolve() == program.resolve()
