"""What every workflow panel shares: access to the app context and the open workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from mammogan_core.workspace import Workspace

    from ..context import AppContext


class Panel(QWidget):
    """A workflow step. Subclasses build their widgets in __init__ and refresh in
    `workspace_changed`; long work goes through `self.ctx.tasks.start(...)`, on its own
    catalogue connection (`ws.in_own_session(...)`)."""

    title = "Panel"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    @property
    def workspace(self) -> Workspace | None:
        return self.ctx.workspace

    def workspace_changed(self) -> None:
        """Called when a workspace is opened or closed, and after work changed its contents."""


class PlaceholderPanel(Panel):
    """A step that is not built yet: it says what will come, so nobody hunts for a button."""

    def __init__(self, ctx: AppContext, title: str, coming: str, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = title
        heading = QLabel(f"<h2>{title}</h2>")
        text = QLabel(coming)
        text.setWordWrap(True)
        text.setObjectName("placeholderText")
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        lay.addWidget(text)
        lay.addStretch(1)
        lay.setAlignment(Qt.AlignmentFlag.AlignTop)
