"""Shared fixtures. Qt runs offscreen with isolated settings; nothing touches the user's home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QSettings, logs and the default demo folder go to a temp home for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("MAMMOGAN_DEMO_DIR", str(home / "demo"))


@pytest.fixture
def workspace(tmp_path: Path):
    from mammogan_core.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    yield ws
    ws.close()
