"""The training run and checkpoint to evaluate: the workspace's runs that have checkpoints, and
each run's best, last and kept steps."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mammogan_core.training.runs import CKPT_RE
from mammogan_core.workspace import Workspace

from ..run_list import RunList


def checkpoints_of(ws: Workspace, run_id: str) -> list[str]:
    """'best', 'last' and the kept steps (newest first) of a run with checkpoints, else []."""
    folder = ws.runs_dir / run_id / "checkpoints"
    steps = sorted(
        (int(m.group(1)) for p in folder.glob("ckpt_step*.pt") if (m := CKPT_RE.match(p.name))),
        reverse=True,
    )
    if not steps:
        return []
    return ["best", "last", *(str(s) for s in steps)]


class RunPicker(QWidget):
    """The run from a list (name, preset, epochs, status, best metric, a thumbnail), then its
    checkpoint."""

    changed = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        self.runs = RunList(settings, purpose="evaluate")
        self.checkpoint_box = QComboBox()
        self.checkpoint_box.setToolTip("best: chosen by the run's metric; last; or a kept step")
        row = QHBoxLayout()
        row.addWidget(QLabel("Checkpoint:"))
        row.addWidget(self.checkpoint_box, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.runs)
        lay.addLayout(row)
        self.runs.changed.connect(self._fill_checkpoints)
        self.checkpoint_box.currentTextChanged.connect(lambda _t: self.changed.emit())

    @property
    def run(self) -> str:
        return self.runs.run

    @property
    def checkpoint(self) -> str:
        return self.checkpoint_box.currentText()

    def refresh(self, ws: Workspace | None) -> None:
        """Re-read the runs, keeping the chosen run and checkpoint when they still exist."""
        keep = self.checkpoint
        self._ws = ws
        self.runs.blockSignals(True)
        self.runs.refresh(ws)
        self.runs.blockSignals(False)
        self._fill_checkpoints(keep=keep)

    def select(self, run_id: str, checkpoint: str = "best") -> None:
        self.runs.select(run_id)
        self.checkpoint_box.setCurrentText(checkpoint)

    def _fill_checkpoints(self, keep: str = "") -> None:
        keep = keep or self.checkpoint
        found = checkpoints_of(self._ws, self.run) if self._ws is not None and self.run else []
        self.checkpoint_box.blockSignals(True)
        self.checkpoint_box.clear()
        self.checkpoint_box.addItems(found)
        if keep in found:
            self.checkpoint_box.setCurrentText(keep)
        self.checkpoint_box.blockSignals(False)
        self.changed.emit()
