"""The workspace last used from this account (the CLI or the app), so that the read-only
commands `mammogan info` and `mammogan runs` work without --workspace, as a user who just
ran the demo expects. They say which workspace they fell back to; commands that change a
workspace always need --workspace. The record is one small JSON file in the user's data folder,
apart from the app's own settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .atomic import atomic_write_json


def record_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mammogan" / "last_workspace.json"


def remember(root: str | Path) -> None:
    """Note `root` as the last workspace used. Best effort: a read-only home costs the fallback,
    never the command."""
    try:
        path = record_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(path, {"workspace": str(Path(root).resolve())})
    except OSError:
        pass


def last() -> Path | None:
    """The last workspace used, while it still is one."""
    try:
        root = Path(json.loads(record_path().read_text())["workspace"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return root if (root / "catalogue.sqlite").is_file() else None
