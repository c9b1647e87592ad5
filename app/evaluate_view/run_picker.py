"""The training run and checkpoint to evaluate: the workspace's runs that have checkpoints, and
each run's best, last and kept steps."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from mammogan_core.training.runs import CKPT_RE, list_runs
from mammogan_core.workspace import Workspace


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
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        self.run_box = QComboBox()
        self.run_box.setToolTip(
            "A training run of this workspace (runs without a checkpoint are not listed)"
        )
        self.run_box.setMinimumContentsLength(24)
        self.checkpoint_box = QComboBox()
        self.checkpoint_box.setToolTip("best: chosen by the run's metric; last; or a kept step")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Run:"))
        lay.addWidget(self.run_box, 1)
        lay.addWidget(QLabel("Checkpoint:"))
        lay.addWidget(self.checkpoint_box)
        self.run_box.currentTextChanged.connect(self._fill_checkpoints)
        self.checkpoint_box.currentTextChanged.connect(lambda _t: self.changed.emit())

    @property
    def run(self) -> str:
        return self.run_box.currentText()

    @property
    def checkpoint(self) -> str:
        return self.checkpoint_box.currentText()

    def refresh(self, ws: Workspace | None) -> None:
        """Re-read the runs, keeping the chosen run and checkpoint when they still exist."""
        keep_run, keep_ckpt = self.run, self.checkpoint
        self._ws = ws
        runs = [] if ws is None else [r["id"] for r in list_runs(ws)[::-1]]  # newest first
        runs = [r for r in runs if ws is not None and checkpoints_of(ws, r)]
        self.run_box.blockSignals(True)
        self.run_box.clear()
        self.run_box.addItems(runs)
        if keep_run in runs:
            self.run_box.setCurrentText(keep_run)
        self.run_box.blockSignals(False)
        self._fill_checkpoints(keep=keep_ckpt)

    def select(self, run_id: str, checkpoint: str = "best") -> None:
        self.run_box.setCurrentText(run_id)
        self.checkpoint_box.setCurrentText(checkpoint)

    def _fill_checkpoints(self, _run: str = "", keep: str = "") -> None:
        keep = keep or self.checkpoint
        found = checkpoints_of(self._ws, self.run) if self._ws is not None and self.run else []
        self.checkpoint_box.blockSignals(True)
        self.checkpoint_box.clear()
        self.checkpoint_box.addItems(found)
        if keep in found:
            self.checkpoint_box.setCurrentText(keep)
        self.checkpoint_box.blockSignals(False)
        self.changed.emit()
