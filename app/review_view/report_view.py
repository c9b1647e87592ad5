"""A review set's report as the core computed it (mammogan_core.review.report): the MRMC
figures (readers and images random) and the equivalence verdict, a row per reader (exact
intervals) and the pooled row (descriptive only), the agreement between readers, the synthetic
images that fooled most readers, and the report page and CSV files one click away."""

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

from mammogan_core.review import equivalence as eq
from mammogan_core.review.analysis import Measure, ModalityAnalysis
from mammogan_core.review.package import ReviewPackage
from mammogan_core.review.report import ReviewReport
from mammogan_core.review.stats import ReaderStats

from ..file_views import open_path
from ..training_view.images import ImageLabel
from .reading_image import full_range, windowed

COLUMNS = ("Reader", "Role", "Years", "Answers", "Accuracy", "Sensitivity", "Specificity",
           "AUC (95% CI)", "p vs 50%", "Seconds, real", "Seconds, synthetic", "Repeats same")  # fmt: skip
MRMC_COLUMNS = ("Readers and images random", "Estimate", "95% CI", "df", "p vs 0.5")
VERDICT_COLOURS = {eq.INDISTINGUISHABLE: "#1b7a1b", eq.DISTINGUISHABLE: "#b03a2e",
                   eq.INCONCLUSIVE: "#8a6d00"}  # fmt: skip
GRID_COLUMNS = 8
FOOLED_ROWS = 4  # at most 32 images are shown: the report page has them all
TILE = 96


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    return "–" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def _with_ci(value: str, ci: tuple[float, float] | None, pct: bool) -> str:
    if ci is None:
        return value
    low, high = (_pct(c) for c in ci) if pct else (f"{c:.2f}" for c in ci)
    return f"{value} ({low}–{high})"


def _cells(s: ReaderStats) -> list[str]:
    source = " (transcribed)" if s.source == "transcribed" else ""
    repeats = f"{_pct(s.repeat_agreement)} of {s.repeat_pairs}" if s.repeat_pairs else "–"
    return [
        s.reader + source, s.role, "" if s.years is None else f"{s.years:g}", str(s.n),
        _with_ci(_pct(s.accuracy), s.accuracy_ci, True),
        _with_ci(_pct(s.sensitivity), s.sensitivity_ci, True),
        _with_ci(_pct(s.specificity), s.specificity_ci, True),
        _with_ci(_num(s.auc), s.auc_ci, False), _p(s.p_value),
        _num(s.seconds_real, 1), _num(s.seconds_synthetic, 1), repeats,
    ]  # fmt: skip


def _mrmc_rows(m: ModalityAnalysis) -> list[list[str]]:
    auc = Measure(m.auc, m.var, m.df, m.ci, m.p_vs_half)
    figures = [("AUC (reader-averaged)", auc)] + [
        (name, getattr(m, name)) for name in ("accuracy", "sensitivity", "specificity")
    ]
    return [
        [name, _num(v.estimate, 3), "– (no spread)" if v.ci is None else f"{v.ci[0]:.3f} – {v.ci[1]:.3f}",
         "∞" if v.ci is not None and v.df is None else _num(v.df, 1), _p(v.p_vs_half)]
        for name, v in figures
        if v is not None
    ]  # fmt: skip


def verdict_text(m: ModalityAnalysis | None) -> str:
    """The verdict and its reason in plain words."""
    if m is None:
        return (
            "<b>No verdict yet</b>: the analysis needs two real and two synthetic images that "
            "every reader answered."
        )
    e = m.equivalence
    why = {
        eq.INDISTINGUISHABLE: f"the readers' AUC is shown to lie within 0.5 ± {e.margin:g}",
        eq.DISTINGUISHABLE: "the readers' AUC differs from 0.5 (chance) and is not shown to "
        f"lie within 0.5 ± {e.margin:g}",
        eq.INCONCLUSIVE: "neither a difference from chance nor closeness to it within "
        f"± {e.margin:g} is shown"
        + (": random readers need two readers or more" if m.readers < 2 else ""),
    }[e.verdict]
    colour = VERDICT_COLOURS[e.verdict]
    p = "" if e.p is None else f"; equivalence p {_p(e.p)}"
    return (
        f"<span style='color:{colour}; font-size:13pt'><b>{e.verdict.capitalize()}</b></span>"
        f"<br>{why[0].upper()}{why[1:]} ({m.readers} readers, {m.cases} images{p}; two one-sided tests at 5%)."
    )


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


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    """A read-only table as tall as its rows, without row numbers."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    return table


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: ReviewReport | None = None
        self.heading = QLabel("<b>Report</b>")
        self.verdict = QLabel()
        self.verdict.setObjectName("reviewVerdict")
        self.verdict.setWordWrap(True)
        self.mrmc = _table(MRMC_COLUMNS, "reviewMrmc")
        self.mrmc.setToolTip(
            "Obuchowski-Rockette analysis with Hillis' degrees of freedom (jackknife over "
            "images): the interval holds for other readers reading other images. AUC from the "
            "call and confidence; accuracy, sensitivity (synthetic called synthetic) and "
            "specificity (real called real) from the calls"
        )
        self.table = _table(COLUMNS, "reviewReport")
        self.table.setToolTip(
            "Each reader on their own (for these readers only): exact 95% intervals on the "
            "proportions, a bootstrap one on the AUC. Sensitivity: synthetic images called "
            "synthetic; specificity: real images called real; AUC from the call and confidence "
            "(0.5 = chance); p: exact binomial test of the accuracy against 50%; seconds: mean "
            "reading time of a real or a synthetic image; repeats: same call twice. The pooled row counts every answer as "
            "independent, which they are not: descriptive only, no interval, no test"
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
        lay.addWidget(self.verdict)
        lay.addWidget(self.mrmc)
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
        self.mrmc.setRowCount(0)
        self._clear_grid()
        self.mrmc.setVisible(report is not None and report.mrmc is not None)
        self.verdict.setVisible(report is not None)
        if report is None:
            self.agreement.setText("")
            self.fooled_title.setText("")
            return
        self.heading.setText(f"<b>Report of set {report.set}</b>")
        modality = report.mrmc.modalities[0] if report.mrmc else None
        self.verdict.setText(verdict_text(modality))
        for cells in _mrmc_rows(modality) if modality else []:
            r = self.mrmc.rowCount()
            self.mrmc.insertRow(r)
            for c, text in enumerate(cells):
                self.mrmc.setItem(r, c, QTableWidgetItem(text))
        self.mrmc.resizeColumnsToContents()
        self.mrmc.resizeRowsToContents()
        rows = sum(self.mrmc.rowHeight(r) for r in range(self.mrmc.rowCount()))
        self.mrmc.setFixedHeight(rows + self.mrmc.horizontalHeader().height() + 4)
        for stats in (*report.readers, report.pooled):
            r = self.table.rowCount()
            self.table.insertRow(r)
            for c, text in enumerate(_cells(stats)):
                item = QTableWidgetItem(text)
                if stats is report.pooled:  # descriptive only: set apart, not emphasised
                    font = item.font()
                    font.setItalic(True)
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
