"""Review: the visual Turing test. The organiser's page makes review sets from the workspace,
hands out packages, gathers answers and shows the report; the reading page is what a reader sees,
for a set of this workspace or a package opened from a folder (File > Open review package, or
`mammogan review open DIR`). The work is the core's (mammogan_core.review)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from mammogan_core.errors import MammoganError
from mammogan_core.review.package import open_package
from mammogan_core.review.reading import ReadingSession

from .. import dialogs
from ..context import AppContext
from ..review_view.organiser import Organiser
from ..review_view.reader_dialog import ask_reader
from ..review_view.reading_view import ReadingView
from .base import Panel


class ReviewPanel(Panel):
    title = "Review"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.organiser = Organiser(ctx)
        self.reading = ReadingView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.organiser)
        self.pages.addWidget(self.reading)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pages)
        self.organiser.read_requested.connect(self.open_package)
        self.reading.closed.connect(self._reading_closed)

    def workspace_changed(self) -> None:
        self.organiser.workspace_changed()

    def show_args(self, package: str | None = None) -> None:
        if package:
            self.open_package(package)

    def open_package(self, path: str | Path) -> bool:
        """Ask who reads (once per package), then read from the first unanswered image."""
        try:
            package = open_package(path)
        except MammoganError as exc:
            dialogs.show_error(self, "Cannot open the review package", str(exc))
            return False
        reader = ask_reader(self, package)
        if reader is None:
            return False
        try:
            session = ReadingSession.open(package, reader)
        except (MammoganError, OSError) as exc:
            dialogs.show_error(self, "Cannot start reading", str(exc))
            return False
        self.pages.setCurrentWidget(self.reading)
        self.reading.start(package, session)
        return True

    def _reading_closed(self) -> None:
        self.pages.setCurrentWidget(self.organiser)
        self.organiser.answers_changed()
