"""Image reading: header-only scans, decoding with DICOM LUTs, and a test DICOM writer.

Names are re-exported lazily so that importing `mammogan_core.io.header` (or the package)
does not pay for pydicom and pillow until a reader is actually used.
"""

from __future__ import annotations

from ..lazy import lazy_getattr

_EXPORTS = {
    "ImageHeader": "header",
    "ImageReadError": "errors",
    "read_header": "header_scan",
    "Image": "decode",
    "read_image": "decode",
    "decode_pixels": "decode",
    "apply_window": "voi",
    "write_mammogram_dicom": "dicom_write",
    "can_encode": "dicom_write",
    "synthetic_breast": "dicom_write",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
