"""Forms built from the core's settings dataclasses (mammogan_core.settings)."""

from .editors import CheckList, Editor, PathEdit, set_combo
from .form import SettingsForm

__all__ = ["CheckList", "Editor", "PathEdit", "SettingsForm", "set_combo"]
