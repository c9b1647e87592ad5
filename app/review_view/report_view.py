"""A review set's report as the core computed it (mammogan_core.review.report): a row per
reader and the pooled row, the agreement between readers, the synthetic images that fooled most
readers, and the report page and CSV files one click away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.review.package import ReviewPackage
from mammogan_core.review.report import ReviewReport
from mammogan_core.review.stats import ReaderStats

from ..file_views import open_path
from ..training_view.images import ImageLabel
from .reading_image import full_range, windowed

COLUMNS = ("Reader", "Role", "Years", "Answers", "Accuracy", "Sensitivity", "Specificity",
           "AUC (95% CI)", "p vs 50%", "s real", "s synthetic", "Repeats same")  # fmt: skip
GRID_COLUMNS = 8
FOOLED_ROWS = 4  # at most 32 images are shown: the report page has them all
TILE = 96


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    return "–" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def _cells(s: ReaderStats) -> list[str]:
    auc = _num(s.auc)
    if s.auc_ci is not None:
        auc += f" ({s.auc_ci[0]:.2f}–{s.auc_ci[1]:.2f})"
    source = " (transcribed)" if s.source == "transcribed" else ""
    repeats = f"{_pct(s.repeat_agreement)} of {s.repeat_pairs}" if s.repeat_pairs else "–"
    return [
        s.reader + source, s.role, "" if s.years is None else f"{s.years:g}", str(s.n),
        _pct(s.accuracy), _pct(s.sensitivity), _pct(s.specificity), auc, _p(s.p_value),
        _num(s.seconds_real, 1), _num(s.seconds_synthetic, 1), repeats,
    ]  # fmt: skip


def _fooled_tile(package: ReviewPackage, entry: dict) -> QWidget:
    """The image above 'fooled N of M' (readers who called it real of those who saw it)."""
    tile = ImageLabel(min_side=TILE)
    tile.setFixedSize(TILE, TILE)
    tile.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    tile.set_pixels(windowed(package.image(entry["image_id"]), *full_range(package.bits)))
    caption = QLabel(f"fooled {entry['fooled']} of {entry['readers']}")
    caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
    cell = QWidget()
    cell.setToolTip(
        f"Called real by {entry['fooled']} of the {entry['readers']} readers who saw it"
    )
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(tile)
    box.addWidget(caption)
    return cell


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: ReviewReport | None = None
        self.heading = QLabel("<b>Report</b>")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("reviewReport")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.table.setToolTip(
            "Sensitivity: synthetic images called synthetic; specificity: real images called "
            "real; AUC from the call and confidence (0.5 = chance); p: exact binomial test of "
            "the accuracy against 50%; s: mean reading seconds; repeats: same call twice"
        )
        self.agreement = QLabel()
        self.agreement.setObjectName("reviewAgreement")
        self.agreement.setWordWrap(True)
        self.fooled_title = QLabel()
        self.fooled = QWidget()
        self.fooled_grid = QGridLayout(self.fooled)
        self.fooled_grid.setColumnStretch(GRID_COLUMNS, 1)  # the tiles keep to the top left
        self.fooled_grid.setRowStretch(FOOLED_ROWS, 1)
        scroll = QScrollArea()
        scroll.setWidget(self.fooled)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_button = QPushButton("Open report page")
        self.page_button.setToolTip("The one-page PNG report")
        self.csv_button = QPushButton("Open statistics CSV")
        self.answers_button = QPushButton("Open answers CSV")
        self.answers_button.setToolTip("Every answer with its truth, one row each")
        buttons = QHBoxLayout()
        for b in (self.page_button, self.csv_button, self.answers_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addWidget(self.table)
        lay.addWidget(self.agreement)
        lay.addLayout(buttons)
        lay.addWidget(self.fooled_title)
        lay.addWidget(scroll, 1)
        self.page_button.clicked.connect(lambda: self._open("png"))
        self.csv_button.clicked.connect(lambda: self._open("csv"))
        self.answers_button.clicked.connect(lambda: self._open("answers_csv"))
        self.show_report(None)

    def show_report(
        self, report: ReviewReport | None, package: ReviewPackage | None = None
    ) -> None:
        self.report = report
        for b in (self.page_button, self.csv_button, self.answers_button):
            b.setEnabled(report is not None)
        self.table.setRowCount(0)
        self._clear_grid()
        if report is None:
            self.agreement.setText("")
            self.fooled_title.setText("")
            return
        self.heading.setText(f"<b>Report of set {report.set}</b>")
        for stats in (*report.readers, report.pooled):
            r = self.table.rowCount()
            self.table.insertRow(r)
            for c, text in enumerate(_cells(stats)):
                item = QTableWidgetItem(text)
                if stats is report.pooled:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.agreement.setText(self._agreement_text(report))
        self._show_fooled(report, package)

    @staticmethod
    def _agreement_text(report: ReviewReport) -> str:
        if report.fleiss_kappa is None:
            fleiss = "Fleiss' κ needs two readers or more."
        else:
            fleiss = f"Fleiss' κ {report.fleiss_kappa:.2f} on {report.fleiss_n} images."
        pairs = "; ".join(
            f"{' – '.join(p['readers'])}: {_num(p['kappa'])} (n {p['n']})"
            for p in report.cohen_kappa
        )
        cohen = f" Cohen's κ: {pairs}." if pairs else ""
        notes = "".join(f"<br>⚠ {w}" for w in report.warnings)
        return f"{fleiss}{cohen}{notes}"

    def _show_fooled(self, report: ReviewReport, package: ReviewPackage | None) -> None:
        if not report.fooled:
            self.fooled_title.setText("No synthetic image fooled most of its readers.")
            return
        n = len(report.fooled)
        self.fooled_title.setText(
            f"<b>{n} synthetic image{'s' if n > 1 else ''} fooled most of {'their' if n > 1 else 'its'} "
            "readers</b> (called real), the most fooling first:"
        )
        if package is None:
            return
        for i, entry in enumerate(report.fooled[: GRID_COLUMNS * FOOLED_ROWS]):
            self.fooled_grid.addWidget(_fooled_tile(package, entry), *divmod(i, GRID_COLUMNS))

    def _clear_grid(self) -> None:
        while self.fooled_grid.count():
            item = self.fooled_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _open(self, which: str) -> None:
        if self.report is not None:
            open_path(self, getattr(self.report, which))
