"""`mammogan --version`: MammoGAN, torch with its CUDA build, and the Qt binding, read from the
installed files without importing torch or Qt (which take seconds)."""

from __future__ import annotations

import argparse
import importlib.util
import platform
import re
import sys
from importlib import metadata
from pathlib import Path

from .. import __version__

QT_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6")


def _installed(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _torch_folder() -> Path | None:
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def torch_build(folder: Path | None = None) -> tuple[str | None, str | None]:
    """(torch's version, its CUDA version or None for a CPU build), from torch/version.py: the
    file `import torch` would read, also in the bundle, where torch ships as source files."""
    folder = folder or _torch_folder()
    if folder is None:
        return None, None
    source = folder / "version.py"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError:
        return _installed("torch"), None
    version = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)", text, re.M)
    cuda = re.search(r"^cuda\s*(?::[^=]*)?=\s*['\"]([^'\"]+)", text, re.M)
    return (version.group(1) if version else _installed("torch")), (cuda.group(1) if cuda else None)


def version_text() -> str:
    torch_version, cuda = torch_build()
    if torch_version is None:
        torch_line = "torch    not installed"
    else:
        torch_line = f"torch    {torch_version} ({f'CUDA {cuda}' if cuda else 'CPU'} build)"
    qt = next((v for v in map(_installed, QT_DISTRIBUTIONS) if v), None)
    qt_line = (
        f"Qt       PySide6 {qt}"
        if qt and importlib.util.find_spec("PySide6")
        else 'Qt       not installed (the headless install; the app: pip install "mammogan[gui]")'
    )
    python = f"Python   {platform.python_version()} on {sys.platform}"
    return "\n".join([f"MammoGAN {__version__}", torch_line, qt_line, python])


class VersionAction(argparse.Action):
    """`--version`: print the versions and exit 0 (computed only when asked for)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        kwargs.setdefault("help", "show the versions of MammoGAN, torch (CUDA or CPU) and Qt")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[no-untyped-def]
        sys.stdout.write(version_text() + "\n")
        parser.exit(0)
