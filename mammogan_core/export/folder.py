"""Where an export is written: a staging folder beside the target, renamed to the target's name
only once every file is in it. A process killed at any moment thus leaves no half export under
the target's name (an earlier export there stays whole); the next export removes the stale
staging folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import InputError

EXPORT_JSON = "export.json"


def check_target(target: Path, overwrite: bool) -> None:
    """InputError for a target that is a file, or a non-empty folder that may not be replaced:
    --overwrite replaces only an earlier export (a folder with export.json), whole."""
    if target.exists() and not target.is_dir():
        raise InputError("the export path exists and is not a folder", target)
    entries = list(target.iterdir()) if target.is_dir() else []
    if not entries:
        return
    if not overwrite:
        raise InputError(
            f"the export folder is not empty ({len(entries)} entries); choose an empty folder "
            "or pass --overwrite to replace an earlier export",
            target,
        )
    if not (target / EXPORT_JSON).is_file():
        raise InputError(
            f"the folder holds no earlier export (no {EXPORT_JSON}); --overwrite replaces only "
            "an export: choose an empty folder",
            target,
        )


def staging_folder(target: Path) -> Path:
    """A fresh, empty folder beside the target."""
    staging = _beside(target, "partial")
    shutil.rmtree(staging, ignore_errors=True)  # left by a killed export
    staging.mkdir(parents=True)
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, target: Path) -> None:
    """Rename the finished staging folder to the target (replacing an earlier export)."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if target.exists():
        old = _beside(target, "old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old)
    else:
        os.rename(staging, target)
    _fsync(target.parent)


def _beside(target: Path, what: str) -> Path:
    return target.parent / f".{target.name}.{what}"


def _fsync(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every platform opens folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
