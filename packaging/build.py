"""Build the MammoGAN desktop bundle: one folder with its own Python, torch, Qt and decoders.

pip install -e ".[gui,packaging]"        # PyInstaller, in the environment to be bundled
python packaging/build.py                # -> dist/MammoGAN/ (+ a tarball on Linux)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "MammoGAN"

PLATFORMS = """\
what you get on each system (build on the system you ship for; PyInstaller does not
cross-compile):

Linux    dist/MammoGAN/MammoGAN, and dist/MammoGAN-VERSION-linux-x86_64.tar.gz holding the
         folder, the menu entry (mammogan.desktop), the icon and install.sh. A user unpacks it
         and runs `sh install.sh`: the app appears in the applications menu (Science) and
         `mammogan` in ~/.local/bin. The bundle carries the X11 libraries Qt needs that
         are installed on the build machine (the report's "note" names the others); those it
         lacks on a user's machine are named on start, with the apt command that adds them.
Windows  py packaging\\build.py  ->  dist\\MammoGAN\\MammoGAN.exe (with the icon). Zip the folder
         or wrap it with an installer (Inno Setup, NSIS); a shortcut to MammoGAN.exe with
         "Run: minimised" hides the console window, which the CLI commands need.
macOS    python3 packaging/build.py  ->  dist/MammoGAN.app (and dist/MammoGAN/). Unsigned:
         the first open is right-click > Open; for distribution sign and notarise it
         (codesign --deep, xcrun notarytool). MPS (Apple GPUs) works with the bundled torch.

The torch of this environment is bundled. A CPU build (pip install torch --index-url
https://download.pytorch.org/whl/cpu) keeps the bundle near 1 GB; a CUDA build adds 2-4 GB
of CUDA libraries and is refused unless --cuda is given. A CUDA bundle on a machine without
an NVIDIA driver trains on the CPU and says so in the log."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python packaging/build.py",
        description="Build the one-folder MammoGAN bundle into dist/MammoGAN with PyInstaller.",
        epilog=PLATFORMS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--cuda",
        action="store_true",
        help="bundle the CUDA build of torch installed here (2-4 GB more); without it a CUDA "
        "torch is refused",
    )
    parser.add_argument(
        "--no-archive", action="store_true", help="Linux: build the folder only, no tarball"
    )
    return parser.parse_args(argv)


def torch_cuda() -> str | None:
    import torch

    return torch.version.cuda


def check_environment(cuda: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit('build.py: PyInstaller is not installed: pip install -e ".[gui,packaging]"')
    built_for = torch_cuda()
    if built_for and not cuda:
        sys.exit(
            f"build.py: this torch is a CUDA {built_for} build (2-4 GB more in the bundle). "
            "Build with --cuda to ship it, or bundle the CPU build from a fresh environment:\n"
            "  pip install torch --index-url https://download.pytorch.org/whl/cpu"
        )
    if cuda and not built_for:
        sys.exit("build.py: --cuda asks for a CUDA torch, but this torch is a CPU build")


def render_icon(png: Path) -> Path:
    """The SVG icon as a 256 px PNG, which PyInstaller turns into .ico / .icns."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["build"])
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "mammogan.svg")).render(painter)
    painter.end()
    png.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(png))
    return png


def run_pyinstaller() -> None:
    env = dict(os.environ)
    if sys.platform in ("win32", "darwin"):
        env["MAMMOGAN_BUNDLE_ICON"] = str(render_icon(WORK / "mammogan.png"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(ROOT / "packaging" / "mammogan.spec"),
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )


def linux_archive(version: str) -> Path:
    """The bundle with its menu entry, icon and install script, as one tarball to hand out."""
    top = f"MammoGAN-{version}"
    archive = DIST / f"{top}-linux-{os.uname().machine}.tar.gz"
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, f"{top}/MammoGAN")
        tar.add(ROOT / "packaging" / "mammogan.desktop", f"{top}/mammogan.desktop")
        tar.add(ROOT / "resources" / "icons" / "mammogan.svg", f"{top}/mammogan.svg")
        tar.add(ROOT / "packaging" / "install.sh", f"{top}/install.sh")
    partial.replace(archive)
    return archive


def folder_mb(folder: Path) -> float:
    files = (f for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 2**20


def xcb_note() -> str | None:
    """PyInstaller carries the X11 libraries Qt needs only when this machine has them; the
    bundle names the others to its users on start."""
    sys.path.insert(0, str(ROOT))
    from app.display_check import missing_xcb_packages

    missing = missing_xcb_packages()
    if not missing:
        return None
    return (
        f"the bundle cannot carry {', '.join(missing)} (not installed here): its users will be "
        f"asked to install them; to ship them, first: sudo apt install {' '.join(missing)}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_environment(args.cuda)
    sys.path.insert(0, str(ROOT))
    from mammogan_core import __version__

    started = time.perf_counter()
    shutil.rmtree(BUNDLE, ignore_errors=True)
    run_pyinstaller()
    report: dict[str, object] = {
        "bundle": str(BUNDLE),
        "bundle_mb": round(folder_mb(BUNDLE), 1),
        "torch_cuda": torch_cuda(),
    }
    if sys.platform.startswith("linux"):
        report["note"] = xcb_note()
    if sys.platform.startswith("linux") and not args.no_archive:
        archive = linux_archive(__version__)
        report["archive"] = str(archive)
        report["archive_mb"] = round(archive.stat().st_size / 2**20, 1)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
