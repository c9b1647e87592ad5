"""Header-only scans: what an image file is, without decoding its pixels (~0.3 ms for DICOM)."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import PIL.Image
import pydicom
import pydicom.config
from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.uid import UID, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from mammogan_core.io.errors import ImageReadError
from mammogan_core.io.header import ImageHeader
from mammogan_core.io.header_rules import header_problem
from mammogan_core.io.pixel_check import dicom_pixel_problem, plain_pixel_problem, size_problem

# Suffixes under which a DICOM file without the 'DICM' preamble is still tried. Files named by
# their SOP Instance UID ("1.2.840.113619...") have a digits-only "suffix".
DICOM_SUFFIXES = frozenset({".dcm", ".dicom", ".dic", ".ima"})
# Values that are not plain scalars, and identifying data that must not spread into filters.
_SKIPPED_VRS = frozenset({"SQ", "OB", "OW", "OF", "OD", "OL", "OV", "UN", "PN"})
_IDENTIFYING = frozenset(
    {
        "PatientID",
        "PatientBirthDate",
        "PatientBirthTime",
        "PatientAddress",
        "OtherPatientIDs",
        "PatientTelephoneNumbers",
        "AccessionNumber",
        "InstitutionName",
        "InstitutionAddress",
        "StationName",
        "DeviceSerialNumber",
        "InstitutionalDepartmentName",
        "StudyID",
    }
)
_ASCII_VRS = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI"})
_MAX_ATTRIBUTE_CHARS = 256
# Values larger than this stay in the file when pixels are checked (pixel data, overlays).
DEFER_BYTES = 16384

# Real archives are full of slightly invalid values (over-long UIDs, odd DS strings). pydicom
# would warn for each one, flooding batch logs (and failing tests, where warnings are errors);
# we read what is there and judge only what we use.
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE

# Formats a mammogram may come in. Naming them keeps pillow's magic-less formats (TGA, SPIDER...)
# from claiming a DICOM file that has no preamble.
PLAIN_FORMATS = ("PNG", "PPM", "TIFF", "JPEG", "JPEG2000", "BMP", "GIF", "WEBP")
_PLAIN_BITS = {"1": 1, "L": 8, "P": 8, "LA": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "F": 32}


@contextmanager
def open_plain(path: Path) -> Iterator[PIL.Image.Image]:
    """PIL.Image.open for the plain formats; a header claiming a decompression-bomb size (pillow
    warns, or raises an error that is no OSError) is an ImageReadError before any decode, and
    so is a header pillow warns about ("Tag data larger than file": a truncated TIFF)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            im = PIL.Image.open(path, formats=PLAIN_FORMATS)
    except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning) as exc:
        raise ImageReadError(
            f"image too large to be a mammogram: corrupt header? ({exc})", path
        ) from None
    except Warning as exc:
        raise ImageReadError(f"corrupt image file ({exc})", path) from None
    with im:
        yield im


def sniff(path: Path) -> str:
    """'dicom' (has the preamble), 'plain' (pillow knows it) or 'raw-dicom' (to try forced)."""
    try:
        with open(path, "rb") as f:
            head = f.read(132)
    except FileNotFoundError:
        raise ImageReadError("file not found", path) from None
    except OSError as exc:
        raise ImageReadError(f"cannot read file ({exc.strerror or exc})", path) from None
    if not head:
        raise ImageReadError("empty file", path)
    if head[128:132] == b"DICM":
        return "dicom"
    try:
        with open_plain(path):
            return "plain"
    except (PIL.UnidentifiedImageError, OSError, ValueError):
        pass
    suffix = path.suffix.lower()
    if suffix in DICOM_SUFFIXES or suffix == "" or suffix[1:].isdigit():
        return "raw-dicom"
    raise ImageReadError("not an image (unrecognised file format)", path)


def open_dicom(
    path: Path, *, header_only: bool, forced: bool = False, defer_pixels: bool = False
) -> Dataset:
    """Read a DICOM dataset; every failure becomes an ImageReadError naming the file.
    defer_pixels: large values (pixel data) are left in the file, their offset and length known
    (for pixel_check), instead of being read (header_only False) or skipped (True)."""
    try:
        with warnings.catch_warnings(record=True) as caught, _BoundedReader(path) as fh:
            warnings.simplefilter("always")
            ds = pydicom.dcmread(
                fh,
                stop_before_pixels=header_only and not defer_pixels,
                defer_size=DEFER_BYTES if defer_pixels else None,
                force=forced,
            )
    except Exception as exc:  # pydicom raises many kinds on damaged files
        raise ImageReadError(f"corrupt or truncated DICOM file ({exc})", path) from exc
    # pydicom drops an encapsulated element cut before its end with only a warning
    if any("End of file reached" in str(w.message) for w in caught):
        raise ImageReadError("truncated DICOM file (a value runs past the end of the file)", path)
    if forced and not any(k in ds for k in ("SOPClassUID", "Rows", "Modality", "StudyInstanceUID")):
        raise ImageReadError("not an image (unrecognised file format)", path)
    if "TransferSyntaxUID" not in ds.file_meta:
        # Files without a preamble usually lack file meta too: use what the parser found.
        ds.file_meta.TransferSyntaxUID = _syntax_from_encoding(ds)
    return ds


class _BoundedReader(io.BufferedReader):
    """A file whose read(n) never asks for more than what is left: pydicom reads a value with
    the length its header gives, and Python allocates that length up front, so one damaged
    length field would cost 4 GB of memory (seen in fuzzed files)."""

    def __init__(self, path: Path) -> None:
        super().__init__(io.FileIO(path, "rb"))
        self._size = os.fstat(self.fileno()).st_size

    def read(self, n: int | None = -1) -> bytes:
        if n is not None and n > 0:
            n = min(n, max(0, self._size - self.tell()))
        return super().read(n)


def _syntax_from_encoding(ds: Dataset) -> UID:
    implicit, little = ds.original_encoding
    if implicit:
        return ImplicitVRLittleEndian
    return ExplicitVRLittleEndian if little else ExplicitVRBigEndian


def read_header(path: str | Path, *, check_pixels: bool = False) -> ImageHeader:
    """Scan one image file's header (DICOM or plain) without decoding pixel data.
    check_pixels: also refuse (ImageReadError) a file whose pixel data is missing, shorter than
    its header declares, or absurdly large (pixel_check; a few file reads, no decode)."""
    path = Path(path)
    kind = sniff(path)
    if kind == "plain":
        return plain_header(path, check_pixels=check_pixels)
    ds = open_dicom(path, header_only=True, forced=kind == "raw-dicom", defer_pixels=check_pixels)
    if "Rows" not in ds or "Columns" not in ds:
        # pydicom stops quietly at the end of a file cut inside its header.
        raise ImageReadError(
            "no image in the DICOM file (no Rows/Columns: truncated or not an image)", path
        )
    header = dicom_header(ds, path)
    if not check_pixels:
        return header
    if header.rows is None or header.cols is None:
        raise ImageReadError("unreadable Rows/Columns in the DICOM header (corrupt file)", path)
    problem = (
        size_problem(header.rows, header.cols)
        or header_problem(ds)
        or dicom_pixel_problem(ds, path)
    )
    if problem:
        raise ImageReadError(problem, path)
    return header


def plain_header(path: Path, *, check_pixels: bool = False) -> ImageHeader:
    try:
        with open_plain(path) as im:
            mode, (cols, rows), fmt = im.mode, im.size, im.format
            problem = (
                (size_problem(rows, cols) or plain_pixel_problem(im, path))
                if check_pixels
                else None
            )
    except (OSError, ValueError) as exc:
        raise ImageReadError(f"corrupt image file ({exc})", path) from exc
    if problem:
        raise ImageReadError(problem, path)
    bits = (
        16 if mode.startswith("I;16") or (mode == "I" and fmt == "PPM") else _PLAIN_BITS.get(mode)
    )
    grey = mode in ("1", "L", "I", "F") or mode.startswith("I;16")
    return ImageHeader(
        path=str(path),
        is_dicom=False,
        rows=rows,
        cols=cols,
        bits_stored=bits,
        photometric="MONOCHROME2" if grey else mode,
        attributes={"Format": fmt, "Mode": mode},
    )


def dicom_header(ds: Dataset, path: Path) -> ImageHeader:
    """Build an ImageHeader from a dataset read with or without its pixel data."""
    attrs = simple_attributes(ds)  # the fields come from it: one conversion per element
    spacing = _first(attrs, "PixelSpacing", float)
    if spacing is None:
        spacing = _first(attrs, "ImagerPixelSpacing", float)
    syntax = ds.file_meta.get("TransferSyntaxUID")
    return ImageHeader(
        path=str(path),
        is_dicom=True,
        rows=_first(attrs, "Rows", int),
        cols=_first(attrs, "Columns", int),
        bits_stored=_first(attrs, "BitsStored", int),
        photometric=_first(attrs, "PhotometricInterpretation", str),
        presentation_intent=_first(attrs, "PresentationIntentType", str),
        modality=_first(attrs, "Modality", str),
        manufacturer=_first(attrs, "Manufacturer", str),
        model=_first(attrs, "ManufacturerModelName", str),
        laterality=_first(attrs, "ImageLaterality", str) or _first(attrs, "Laterality", str),
        view=_first(attrs, "ViewPosition", str),
        spacing_mm=spacing,
        window_center=_first(attrs, "WindowCenter", float),
        window_width=_first(attrs, "WindowWidth", float),
        transfer_syntax=UID(syntax).name if syntax else None,
        patient_id=_first({"id": _simple(_value(ds, "PatientID"))}, "id", str),  # not in attrs
        study_uid=_first(attrs, "StudyInstanceUID", str),
        series_uid=_first(attrs, "SeriesInstanceUID", str),
        sop_instance_uid=_first(attrs, "SOPInstanceUID", str),
        attributes=attrs,
    )


def simple_attributes(ds: Dataset) -> dict[str, Any]:
    """Top-level keyword -> str/int/float; multi-values joined with '\\' as DICOM writes them."""
    out: dict[str, Any] = {}
    for tag in ds.keys():  # noqa: SIM118 - iterating `ds` itself would convert every element
        keyword = "" if tag.is_private else keyword_for_tag(tag)
        if not keyword or keyword in _IDENTIFYING:
            continue
        elem = ds.get_item(tag, keep_deferred=True)
        if isinstance(elem, RawDataElement) and elem.value is None and elem.length:
            continue  # a deferred (large) value: no filter attribute, not read
        vr = elem.VR or dictionary_VR(tag)
        if vr in _SKIPPED_VRS or "OB" in vr or "OW" in vr:  # also ambiguous "OB or OW"
            continue
        if isinstance(elem, RawDataElement) and vr in _ASCII_VRS and elem.value is not None:
            # pydicom's conversion costs ~10 us an element: these VRs are plain ASCII.
            value = _ascii(elem.value, vr)
        else:
            try:
                value = _simple(ds[tag].value)
            except Exception:  # pydicom cannot convert a damaged element: skip it
                continue
        if value is not None:
            out[keyword] = value
    return out


def _value(ds: Dataset, keyword: str) -> Any:
    """An element's value; None when absent or when pydicom cannot convert it (damaged)."""
    try:
        return ds.get(keyword)
    except Exception:  # an unknown VR, a wrong length: pydicom raises several kinds
        return None


def _ascii(raw: bytes, vr: str) -> str | int | float | None:
    text = raw.decode("ascii", "replace").strip(" \x00")
    if "\\" not in text and vr in ("DS", "IS"):
        try:
            return float(text) if vr == "DS" else int(text)
        except ValueError:
            pass
    return text if text and len(text) <= _MAX_ATTRIBUTE_CHARS else None


def _simple(value: Any) -> str | int | float | None:
    if isinstance(value, MultiValue):
        value = "\\".join(str(v) for v in value)
    elif isinstance(value, bool | bytes) or value is None:
        return None
    elif isinstance(value, int):
        return int(value)
    elif isinstance(value, float):
        return float(value)
    text = str(value).strip()
    return text if text and len(text) <= _MAX_ATTRIBUTE_CHARS else None


def _first(attrs: dict[str, Any], keyword: str, kind: type) -> Any:
    """First value of an attribute as `kind`; None when absent or malformed."""
    value = attrs.get(keyword)
    if isinstance(value, str):
        value = value.split("\\")[0].strip()
    try:
        return None if value is None or value == "" else kind(value)
    except (TypeError, ValueError):
        return None
