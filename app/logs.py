"""The app's log file (named in error dialogs): what the Log dock shows, tracebacks included."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from PySide6.QtCore import QStandardPaths

LOGGER = "mammogan"  # the app's loggers are its children (mammogan.app)
_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
log = logging.getLogger(f"{LOGGER}.app")


def log_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".mammogan") / "logs"
    return folder / "mammogan.log"


def setup_file_logging() -> Path:
    """Log to `log_path()` (a handler to another file, from an earlier set-up, is replaced)."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger(LOGGER)
    for handler in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        if Path(handler.baseFilename) == path.resolve():
            return path
        root.removeHandler(handler)
        handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def log_shown(level: str, message: str, details: str = "") -> None:
    """A line of the Log dock ('info', 'warning' or 'error'), into the log file, with the
    `details` (a traceback) the dock leaves out."""
    log.log(
        _LEVELS.get(level, logging.INFO), message + (f"\n{details.rstrip()}" if details else "")
    )
