"""The patch browser: a thumbnail grid over the memory-mapped patch store, and a patch detail."""

from .browser import PatchBrowser

__all__ = ["PatchBrowser"]
