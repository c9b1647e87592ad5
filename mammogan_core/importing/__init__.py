"""Importing datasets into a workspace: format detection, header scan, matching, catalogue.

Names are re-exported lazily so that `mammogan --help` does not load pydicom and pillow.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FORMATS": "detect",
    "HeaderFilter": "filters",
    "import_dataset": "pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
