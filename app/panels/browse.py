"""Browse: the mammogram viewer and the patch browser, side by side in tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..browser import PatchBrowser
from ..context import AppContext
from ..viewer import MammogramViewer
from .base import Panel


class BrowsePanel(Panel):
    title = "Browse"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.viewer = MammogramViewer()
        self.browser = PatchBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.viewer, "Mammograms")
        self.tabs.addTab(self.browser, "Patches")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.tabs)
        self.browser.open_image.connect(
            lambda image_id, box: self.show_args(image_id=image_id, box=box)
        )

    def workspace_changed(self) -> None:
        self.viewer.set_workspace(self.workspace)
        self.browser.set_workspace(self.workspace)

    def show_args(self, image_id: int | None = None, box: tuple | None = None) -> None:
        """Show a mammogram (zoomed on `box`), e.g. from the patch browser or another panel."""
        if image_id is not None:
            self.tabs.setCurrentWidget(self.viewer)
            self.viewer.show_image(image_id, focus_box=box)
