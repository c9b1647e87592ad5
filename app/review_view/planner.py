"""Study sizing before a set is made: how many readers and images give the equivalence test its
power (mammogan_core.review.sizing, computed in the background), as a table of power by readers
and images with the smallest design that reaches the power wanted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import Event, Finished
from mammogan_core.review.options import PlanOptions
from mammogan_core.review.sizing import Plan, study_plan
from mammogan_core.workspace import Workspace

from ..context import AppContext
from ..forms import SettingsForm
from ..workers import Task

REACHED = QColor("#cfe8cf")  # designs with the power wanted


def _planned(options: PlanOptions, ws: Workspace | None) -> Iterator[Event]:
    yield Finished(study_plan(options, ws))


class Planner(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._task: Task | None = None
        self.plan: Plan | None = None
        self.form = SettingsForm(PlanOptions)
        self.form.set_value(PlanOptions())
        self.button = QPushButton("Plan the study size")
        self.button.setToolTip(
            "The power of the equivalence test for each number of readers and images: "
            "simulated from the Roe-Metz model, or from a pilot set's readers"
        )
        self.pilot_button = QPushButton("Pilot: the selected set")
        self.pilot_button.setToolTip(
            "Plan from the readers of the set selected on the right (their variance between "
            "readers and images) instead of the simulation's assumed one"
        )
        self.pilot_button.setEnabled(False)
        self._selected: str | None = None
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("reviewPlan")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.table.setVisible(False)
        self.result = QLabel()
        self.result.setObjectName("reviewPlanResult")
        self.result.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("<b>How many readers and images?</b> (before creating a set)"))
        lay.addWidget(self.form)
        lay.addWidget(self.pilot_button)
        lay.addWidget(self.button)
        lay.addWidget(self.table)
        lay.addWidget(self.result)
        lay.addStretch(1)
        self.button.clicked.connect(self.start)
        self.pilot_button.clicked.connect(self._use_selected)

    def set_selected(self, set_id: str | None) -> None:
        """The organiser's selected set, offered as the pilot."""
        self._selected = set_id
        self.pilot_button.setEnabled(set_id is not None)

    def _use_selected(self) -> None:
        options = self.form.value()
        if options is not None and self._selected is not None:
            self.form.set_value(replace(options, pilot=self._selected))

    def start(self) -> None:
        options = self.form.value()
        if options is None:
            self.result.setText(self.form.problem_text())
            return
        if self._task is not None:
            return
        ws = self.ctx.workspace

        def run(control: Control) -> Iterator[Event]:
            if options.pilot and ws is not None:
                return ws.in_own_session(lambda own: _planned(options, own))
            return _planned(options, None)

        self.result.setText("Simulating studies…" if not options.pilot else "Planning…")
        self.button.setEnabled(False)
        self._task = task = self.ctx.tasks.start("Review study size", run)
        task.finished.connect(self.show_plan)
        task.failed.connect(lambda message, _tb: self.result.setText(f"No plan: {message}"))
        task.ended.connect(self._ended)

    def _ended(self) -> None:
        self._task = None
        self.button.setEnabled(True)

    def show_plan(self, plan: Plan | dict) -> None:
        if not isinstance(plan, Plan):
            return
        self.plan = plan
        self.table.setRowCount(len(plan.readers))
        self.table.setColumnCount(len(plan.images))
        self.table.setHorizontalHeaderLabels([f"{c} images" for c in plan.images])
        self.table.setVerticalHeaderLabels([f"{r} readers" for r in plan.readers])
        for i, row in enumerate(plan.power):
            for j, power in enumerate(row):
                item = QTableWidgetItem(f"{power:.2f}")
                if power >= plan.target:
                    item.setBackground(REACHED)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.setVisible(True)
        best = plan.smallest
        head = (
            f"Power to show the AUC within 0.5 ± {plan.margin:g} if it truly is {plan.auc:g} "
            f"({plan.method})."
        )
        self.result.setText(
            f"{head} <b>Fewest readings with power ≥ {plan.target:g}: {best['readers']} "
            f"readers × {best['images']} images</b> (half real, half synthetic)."
            if best
            else f"{head} <b>No design here reaches power {plan.target:g}</b>: try more readers "
            "or images."
        )
