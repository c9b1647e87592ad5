"""The mammogram viewer: window/level, zoom and pan, findings and patch overlays."""

from .viewer import MammogramViewer

__all__ = ["MammogramViewer"]
