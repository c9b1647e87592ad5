"""Tests never read or write the user's own settings, log or remembered files: QSettings, the
log file and the remembered Inception weights all live in the test's home (tests/conftest.py),
also for session-wide fixtures built before any test's own home exists."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from PySide6.QtCore import QSettings

from app.logs import log_path
from mammogan_core.metrics.user_settings import settings_path

REAL_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_settings_and_logs_are_in_the_tests_own_home(qtbot) -> None:
    from tests.conftest import SESSION_HOME

    home = Path(os.environ["HOME"])
    assert home != REAL_HOME and Path.home() == home
    assert _inside(settings_path(), home) and _inside(log_path(), home)
    # Qt fixes QSettings' folder at its first use in the process: the session's home
    qsettings = Path(QSettings().fileName())
    assert _inside(qsettings, SESSION_HOME) or _inside(qsettings, home), qsettings
    assert not _inside(qsettings, REAL_HOME / ".config"), qsettings
