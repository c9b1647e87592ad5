"""A training run picked from a list, as a user compares them: name, preset, epochs, status, the
best metric and a thumbnail of its newest samples. Panels that take a generator use it instead
of a free-text field, so that nobody types "default" and silently gets another run. The rule of
which runs are offered and which is the default is the core's (training/run_choice.py); the
pick is remembered per workspace."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from mammogan_core.training.run_choice import RunChoice, default_run, pickable_runs
from mammogan_core.workspace import Workspace

THUMB = 48  # px: a sample grid's look (flat grey, texture, masses) reads at this size


def row_text(choice: RunChoice) -> str:
    """Two lines: the run, then what a user compares runs by (fits a narrow column)."""
    epochs = "?" if choice.epochs is None else choice.epochs
    best = choice.best
    best_text = "" if not best else f" · best {best['metric']} {best['value']:.4g}"
    return f"{choice.id}\n{choice.preset or '?'} · {epochs} epochs · {choice.status}{best_text}"


class RunList(QTreeWidget):
    """`run` is the picked run's id ('' when the workspace has none)."""

    changed = Signal()

    def __init__(self, settings: QSettings | None = None, purpose: str = "generator") -> None:
        super().__init__()
        self._settings = settings
        self._purpose = purpose  # the remembered pick is per workspace and per purpose
        self._ws: Workspace | None = None
        self.choices: list[RunChoice] = []
        self.setColumnCount(1)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # whole in the tooltip
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(THUMB * 2 + 16)
        self.setToolTip(
            "The workspace's training runs that have a checkpoint, newest first "
            "(a study's own generators are not offered)"
        )
        self.itemSelectionChanged.connect(self._picked)

    @property
    def run(self) -> str:
        items = self.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else ""

    def refresh(self, ws: Workspace | None) -> None:
        """Re-read the runs; keep the pick, else the remembered one, else the core's default."""
        keep = self.run if ws is not None and ws is self._ws else ""
        self._ws = ws
        self.choices = [] if ws is None else pickable_runs(ws)
        self.blockSignals(True)
        self.clear()
        for choice in self.choices:
            item = QTreeWidgetItem([row_text(choice)])
            item.setData(0, Qt.ItemDataRole.UserRole, choice.id)
            item.setToolTip(0, choice.label)
            if choice.grid is not None:
                item.setIcon(0, QIcon(QPixmap(str(choice.grid))))
            self.addTopLevelItem(item)
        self.blockSignals(False)
        ids = [c.id for c in self.choices]
        wanted = next(
            (r for r in (keep, self._remembered(), ws and default_run(ws)) if r in ids),
            ids[0] if ids else "",
        )
        self.select(wanted)

    def select(self, run_id: str) -> None:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == run_id:
                self.setCurrentItem(item)
                return
        self.changed.emit()  # nothing to pick: the panel says so

    def _key(self) -> str:
        return f"run_choice/{self._purpose}/{self._ws.root}" if self._ws is not None else ""

    def _remembered(self) -> str:
        if self._settings is None or self._ws is None:
            return ""
        return str(self._settings.value(self._key(), "") or "")

    def _picked(self) -> None:
        if self._settings is not None and self._ws is not None and self.run:
            self._settings.setValue(self._key(), self.run)
        self.changed.emit()
