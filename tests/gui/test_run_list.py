"""The run list: what a user compares runs by, a thumbnail, and the pick remembered per
workspace."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from app.run_list import RunList
from mammogan_core.workspace import Workspace
from tests.core.test_run_choice import add_run


def _rows(view: RunList) -> list[list[str]]:
    return [view.topLevelItem(i).text(0).split("\n") for i in range(view.topLevelItemCount())]


def test_the_list_shows_the_runs_and_remembers_the_pick_per_workspace(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ws = Workspace.create(tmp_path / "ws")
    other = Workspace.create(tmp_path / "other")
    add_run(ws, "run-old", "finished", grid_steps=(50,), best=1.25)
    ws.conn.execute("UPDATE runs SET created_at='2000-01-01' WHERE id='run-old'")
    ws.conn.commit()
    add_run(ws, "run-new", "finished", preset="small-data")
    add_run(other, "run-x", "finished")

    view = RunList(settings)
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.show()
    view.refresh(ws)
    assert _rows(view) == [
        ["run-new", "small-data · 7 epochs · finished"],
        ["run-old", "cpu · 7 epochs · finished · best kid 1.25"],
    ]
    assert view.run == "run-new"  # the core's default: the newest finished
    assert view.topLevelItem(1).icon(0).isNull() is False  # its newest sample grid
    assert view.topLevelItem(0).icon(0).isNull()  # no grid saved yet

    seen: list[str] = []
    view.changed.connect(lambda: seen.append(view.run))
    rect = view.visualItemRect(view.topLevelItem(1))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.run == "run-old" and seen == ["run-old"]

    view.refresh(other)  # another workspace: its own default
    assert view.run == "run-x"
    again = RunList(settings)
    qtbot.addWidget(again)
    again.refresh(ws)  # the app opened again on the first workspace: the user's pick
    assert again.run == "run-old"

    # the remembered run is gone: back to the default, never an empty pick
    import shutil

    shutil.rmtree(ws.runs_dir / "run-old" / "checkpoints")
    again.refresh(ws)
    assert again.run == "run-new"
    ws.close()
    other.close()


def test_an_empty_workspace_offers_nothing(qtbot, tmp_path):
    view = RunList()
    qtbot.addWidget(view)
    with Workspace.create(tmp_path / "ws") as ws:
        view.refresh(ws)
        assert view.run == "" and view.topLevelItemCount() == 0
