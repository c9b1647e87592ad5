"""What a header scan tells about an image, without decoding its pixels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ImageHeader:
    """Metadata of one image file (DICOM or plain). Unknown values are None.

    `patient_id` is the raw identifier: it is hashed into a pseudonymous key before it is
    stored, and never exported.
    """

    path: str
    is_dicom: bool
    rows: int | None = None
    cols: int | None = None
    bits_stored: int | None = None
    photometric: str | None = None  # MONOCHROME1 / MONOCHROME2 / RGB ...
    presentation_intent: str | None = None  # FOR PRESENTATION / FOR PROCESSING
    modality: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    laterality: str | None = None  # L / R
    view: str | None = None  # CC / MLO / ...
    spacing_mm: float | None = None  # row spacing (PixelSpacing, else ImagerPixelSpacing)
    window_center: float | None = None  # first value of WindowCenter
    window_width: float | None = None
    # UID name, e.g. "JPEG 2000 Image Compression (Lossless Only)"
    transfer_syntax: str | None = None
    patient_id: str | None = None
    study_uid: str | None = None
    series_uid: str | None = None
    sop_instance_uid: str | None = None
    # Plain header attributes (keyword -> value as str/number) for configurable header filters
    # such as PresentationIntentType == 'FOR PRESENTATION' or Manufacturer == 'HOLOGIC, Inc.'.
    attributes: dict[str, Any] = field(default_factory=dict)
