"""Importing datasets into a workspace: format detection, header scan, matching, catalogue.

Names are re-exported lazily so that `mammogan --help` does not load pydicom and pillow.
"""

from __future__ import annotations

from ..lazy import lazy_getattr

_EXPORTS = {
    "FORMATS": "detect",
    "HeaderFilter": "filters",
    "ImportOptions": "options",
    "ImportResult": "results",
    "import_dataset": "pipeline",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
