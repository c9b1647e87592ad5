"""The welcome page: open a workspace, recent workspaces, open the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class WelcomePage(QWidget):
    open_requested = Signal()  # "Open workspace…"
    new_requested = Signal()  # "New workspace…"
    demo_requested = Signal()  # "Open the demo"
    recent_chosen = Signal(str)  # a path from the recent list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>MammoGAN</h1>")
        blurb = QLabel(
            "Synthesise realistic lesion patches with a DCGAN, augment imbalanced mammography "
            "datasets and test realism with specialists.<br>"
            "Start with the demo (synthetic mammograms, nothing leaves this computer) or open "
            "a workspace."
        )
        blurb.setWordWrap(True)
        self.open_button = QPushButton("Open workspace…")
        self.new_button = QPushButton("New workspace…")
        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setObjectName("primaryButton")
        self.demo_button.setToolTip(
            "Generate synthetic DICOM mammograms into a demo workspace and run the workflow"
        )
        buttons = QHBoxLayout()
        for b in (self.demo_button, self.open_button, self.new_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.recent = QListWidget()
        self.recent.setObjectName("recentList")
        self.recent.setMaximumHeight(220)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.addWidget(title)
        lay.addWidget(blurb)
        lay.addSpacing(12)
        lay.addLayout(buttons)
        lay.addSpacing(24)
        lay.addWidget(QLabel("<b>Recent workspaces</b>"))
        lay.addWidget(self.recent)
        lay.addStretch(1)
        self.open_button.clicked.connect(self.open_requested)
        self.new_button.clicked.connect(self.new_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.recent.itemActivated.connect(lambda it: self.recent_chosen.emit(it.data(Qt.UserRole)))

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for p in paths:
            item = QListWidgetItem(p)
            item.setData(Qt.UserRole, p)
            self.recent.addItem(item)
        if not paths:
            item = QListWidgetItem("No recent workspaces yet")
            item.setFlags(Qt.NoItemFlags)
            self.recent.addItem(item)
