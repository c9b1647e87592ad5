"""Header values no decoder turns into a mammogram, found at import without decoding: bit depths
pydicom cannot lay out (BitsAllocated 7, 12, 24, 64) or that the transfer syntax cannot hold,
unknown or colour photometric interpretations, more than one sample per pixel, frame counts
that are not a number of frames. The pixel data's length against these values is checked by
pixel_check (truncated, or twice what they declare)."""

from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.uid import JPEGBaseline8Bit, JPEGExtended12Bit, RLELossless

from .pixel_check import int_attr

MONOCHROME = ("MONOCHROME1", "MONOCHROME2")
COLOUR = (
    "PALETTE COLOR",
    "RGB",
    "HSV",
    "ARGB",
    "CMYK",
    "YBR_FULL",
    "YBR_FULL_422",
    "YBR_PARTIAL_422",
    "YBR_PARTIAL_420",
    "YBR_ICT",
    "YBR_RCT",
)
NATIVE_BITS = (8, 16, 32)  # the integer layouts pydicom decodes uncompressed (1: a bitmap)
COMPRESSED_BITS = (8, 16)  # JPEG, JPEG-LS and JPEG 2000 mammograms
RLE_BITS = (8, 16, 32)
MAX_BITS_STORED = {JPEGBaseline8Bit: 8, JPEGExtended12Bit: 12}
REQUIRED = (  # what pydicom needs to lay the pixels out
    "SamplesPerPixel",
    "BitsAllocated",
    "BitsStored",
    "PixelRepresentation",
    "PhotometricInterpretation",
)
_UNREADABLE = -1


def header_problem(ds: Dataset) -> str | None:
    """Why the pixel data of `ds` (read without it) cannot decode to one grey image, or None."""
    if "PixelData" not in ds:
        return None  # pixel_check names a missing pixel data element
    try:
        return _problem(ds)
    except Exception as exc:  # an element pydicom cannot convert (a damaged VR or value)
        return f"unreadable image description in the DICOM header (corrupt file): {exc}"


def _problem(ds: Dataset) -> str | None:
    for keyword in REQUIRED:
        if keyword not in ds or ds[keyword].value in (None, ""):
            return f"no {keyword} in the DICOM header: the pixel data cannot be decoded"
    samples = int_attr(ds, "SamplesPerPixel")
    photometric = str(ds.PhotometricInterpretation).strip().upper()
    if samples != 1:
        return (
            f"SamplesPerPixel {samples if samples is not None else '(unreadable)'}: a mammogram "
            "has one sample per pixel (grey), this is a colour or damaged image"
        )
    if photometric in COLOUR:
        return f"PhotometricInterpretation {photometric}: a colour image, not a mammogram"
    if photometric not in MONOCHROME:
        return (
            f"unknown PhotometricInterpretation {photometric!r} "
            f"(a mammogram is {' or '.join(MONOCHROME)})"
        )
    return _bits_problem(ds) or _frames_problem(ds)


def _bits_problem(ds: Dataset) -> str | None:
    allocated = int_attr(ds, "BitsAllocated", _UNREADABLE)
    stored = int_attr(ds, "BitsStored", _UNREADABLE)
    representation = int_attr(ds, "PixelRepresentation", _UNREADABLE)
    syntax = ds.file_meta.get("TransferSyntaxUID")
    try:
        compressed = syntax is not None and syntax.is_compressed
    except ValueError:  # not a transfer syntax: pixel_check names it
        return None
    allowed = (
        (RLE_BITS if syntax == RLELossless else COMPRESSED_BITS) if compressed else NATIVE_BITS
    )
    if allocated not in allowed:
        where = f"{syntax.name} data" if compressed else "uncompressed pixel data"
        return (
            f"BitsAllocated {allocated}: {where} of a mammogram has "
            f"{', '.join(map(str, allowed))} bits a pixel"
        )
    if not 1 <= stored <= allocated:
        return f"BitsStored {stored} does not fit in BitsAllocated {allocated}"
    most = MAX_BITS_STORED.get(syntax) if compressed else None
    if most is not None and stored > most:
        return f"{syntax.name} holds at most {most} bits a pixel, the header declares {stored}"
    if representation not in (0, 1):
        return f"PixelRepresentation {representation}: must be 0 (unsigned) or 1 (signed)"
    return None


def _frames_problem(ds: Dataset) -> str | None:
    if "NumberOfFrames" not in ds or ds["NumberOfFrames"].value in (None, ""):
        return None  # one frame
    frames = int_attr(ds, "NumberOfFrames", _UNREADABLE)
    if frames is None or frames < 1:
        return f"NumberOfFrames {ds['NumberOfFrames'].value!r}: not a number of frames"
    return None
