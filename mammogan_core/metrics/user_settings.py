"""Per-user settings that outlive a workspace (the Inception weights file, found once):
`$XDG_CONFIG_HOME/mammogan/settings.json` (default `~/.config/...`), written atomically. The
app writes them; the commands only read them."""

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


def remembered_path(key: str) -> Path | None:
    """The path stored under `key`, whether or not it still exists (the app says when not)."""
    stored = read_user_settings().get(key)
    return Path(stored) if isinstance(stored, str) and stored else None


def inception_weights(given: str) -> Path | None:
    """The Inception weights file to use: `given` (checked), or else the one the app remembers
    while it still exists; None when there is none. Stores nothing: only the app's Evaluate
    panel remembers a file, as a command-line flag must not change the app's settings."""
    if given.strip():
        path = Path(given).expanduser().resolve()
        if not path.is_file():
            raise InputError("no such Inception weights file (--inception-weights)", path)
        return path
    stored = remembered_path(INCEPTION_KEY)
    return stored if stored is not None and stored.is_file() else None
