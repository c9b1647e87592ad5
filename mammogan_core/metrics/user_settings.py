"""Per-user settings that outlive a workspace (the Inception weights file, found once):
`$XDG_CONFIG_HOME/mammogan/settings.json` (default `~/.config/...`), written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_json
from ..errors import InputError

INCEPTION_KEY = "inception_weights"


def settings_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "mammogan" / "settings.json"


def read_user_settings() -> dict[str, Any]:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: start afresh rather than fail a run
        return {}
    return data if isinstance(data, dict) else {}


def remember(key: str, value: Any) -> None:
    atomic_write_json(settings_path(), {**read_user_settings(), key: value})


def inception_weights(given: str) -> Path | None:
    """The Inception weights file to use: `given` (checked, then remembered) or the remembered
    one while it still exists; None when there is none."""
    if given.strip():
        path = Path(given).expanduser().resolve()
        if not path.is_file():
            raise InputError("no such Inception weights file (--inception-weights)", path)
        remember(INCEPTION_KEY, str(path))
        return path
    stored = read_user_settings().get(INCEPTION_KEY)
    return Path(stored) if isinstance(stored, str) and Path(stored).is_file() else None
