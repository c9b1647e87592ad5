"""The on-disk study: catalogue, patch store, runs and exports."""

from .patch_store import PATCH_SIZE, PatchStore
from .workspace import Workspace

__all__ = ["PATCH_SIZE", "PatchStore", "Workspace"]
