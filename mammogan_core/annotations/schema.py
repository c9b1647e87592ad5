"""The one schema every importer maps to.

Coordinates are source-image pixels with (0, 0) at the top-left corner, x to the right (column),
y down (row), whatever convention the dataset uses (mini-MIAS counts from the bottom).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FINDING_TYPES = ("mass", "calcification", "architectural_distortion", "asymmetry", "other")
PATHOLOGIES = ("benign", "malignant", "unknown")


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Mask:
    """A binary mask file (CBIS-DDSM ROI masks, generic CSV mask paths), decoded on demand."""

    path: str


Geometry = Box | Circle | Polygon | Mask


@dataclass(frozen=True)
class Finding:
    """One annotated abnormality, as read from an annotation file."""

    image_ref: str  # how the annotation names its image: an id, file stem or relative path
    finding_type: str  # one of FINDING_TYPES
    label_raw: str  # as the dataset names it (CIRC, SPIC, "['Mass']", "Calcification", ...)
    pathology: str  # one of PATHOLOGIES
    geometry: Geometry | None  # None for rows that only say "this image has X" (no location)
    source_row: str  # "Info.txt:12" or a row id, so a patch can be traced back
    patient_id: str | None = None  # raw id from the file; hashed before it is stored
    laterality: str | None = None  # "L" / "R"
    view: str | None = None  # "CC" / "MLO" / ...
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SkippedRow:
    """An annotation row that cannot be used, and why (reported, never silently dropped).

    `image_ref`: set when the row names an abnormality on that image (no usable location, an
    unknown class...): the image is imported but gives no normal patches, since the lesion
    could be anywhere in it."""

    source_row: str
    reason: str
    image_ref: str | None = None


@dataclass
class AnnotationSet:
    """What a parser read from one annotation source."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    # image_ref -> metadata for images listed without findings (normal images, "No Finding")
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    # image_ref -> image file, for parsers that locate their images themselves (a ref missing
    # here is matched by the import pipeline, e.g. by SOP Instance UID)
    image_paths: dict[str, str] = field(default_factory=dict)
    # Pixel size for images whose files do not say (plain PGM/PNG), as the dataset documents it.
    default_spacing_mm: float | None = None
