"""Cheap checks that an image file holds the pixels its header declares, without decoding them:
a size and presence check at import, so that a file cut short in transfer, a DICOM without pixel
data or an encapsulated stream without fragments is refused there (with the reason), not found
at extraction. Headers claiming absurd sizes are refused before anything is allocated."""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import BinaryIO

import PIL.Image
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.uid import DeflatedExplicitVRLittleEndian

# Larger than any mammogram (a 24 x 30 cm film scanned at 43.5 um is 5500 x 6900 = 38 Mpx),
# and below pillow's decompression-bomb warning (89 Mpx).
MAX_PIXELS = 80_000_000
PIXEL_DATA = 0x7FE00010
_ITEM, _DELIMITER = 0xFFFEE000, 0xFFFEE0DD
_UNDEFINED = 0xFFFFFFFF
_PNG_END = b"IEND"
_TIFF_OFFSETS = {273: 279, 324: 325}  # StripOffsets -> StripByteCounts, TileOffsets -> ...


def size_problem(rows: int | None, cols: int | None) -> str | None:
    """Why a header's image size cannot be real, or None."""
    if rows is None or cols is None:
        return None
    if rows <= 0 or cols <= 0:
        return f"the header declares an empty image ({cols}x{rows} pixels)"
    if rows * cols > MAX_PIXELS:
        return (
            f"the header declares {cols}x{rows} pixels, more than any mammogram "
            f"(limit {MAX_PIXELS // 1_000_000} Mpx): corrupt header"
        )
    return None


def dicom_pixel_problem(ds: Dataset, path: Path) -> str | None:
    """Why the dataset (read with deferred pixel data) lacks the pixels it declares, or None."""
    if "FloatPixelData" in ds or "DoubleFloatPixelData" in ds:
        return None  # not a mammogram format we decode; extraction names it
    elem = ds.get_item(PIXEL_DATA, keep_deferred=True)
    if elem is None:
        return "no pixel data in the DICOM file (not an image, or truncated)"
    syntax = ds.file_meta.get("TransferSyntaxUID")
    try:
        encapsulated = syntax is not None and syntax.is_encapsulated
    except ValueError:  # pydicom: "UID is not a transfer syntax"
        return f"unknown transfer syntax {syntax!r}: cannot be decoded"
    # A deflated file's offsets are in the inflated stream: only what was read can be judged.
    raw = isinstance(elem, RawDataElement)
    deferred = raw and elem.value is None and syntax != DeflatedExplicitVRLittleEndian
    value = elem.value if isinstance(elem.value, bytes) else b""  # a wrong VR gives numbers
    length = elem.length if raw else len(value)
    if raw and elem.value is None and not deferred:
        return None
    if length == _UNDEFINED and not encapsulated:
        name = syntax.name if syntax is not None else "the file's"
        return (
            f"encapsulated (compressed) pixel data under {name} transfer syntax, which is "
            "uncompressed: the header's transfer syntax is wrong"
        )
    if encapsulated:
        frames = max(1, int_attr(ds, "NumberOfFrames", 1) or 1)
        if deferred:
            with open(path, "rb") as fh:
                fh.seek(elem.value_tell)
                end = path.stat().st_size - elem.value_tell
                size = end if length == _UNDEFINED else min(end, length)
                return _encapsulated_problem(fh, size, frames)
        return _encapsulated_problem(io.BytesIO(value), len(value), frames)
    expected = _native_bytes(ds)
    if expected is None:
        return None  # incomplete header: the decoder decides
    if deferred:
        available = min(length, max(0, path.stat().st_size - elem.value_tell))
    else:
        available = len(value)
    declared = (
        f"({int_attr(ds, 'Columns')}x{int_attr(ds, 'Rows')}, {int_attr(ds, 'BitsAllocated')} bits"
        f"{_samples_note(ds)}{_frames_note(ds)})"
    )
    if available < expected:
        return f"truncated pixel data: {available} bytes where the header declares {expected} {declared}"
    if available >= 2 * expected:  # more than padding: the data has other pixels than declared
        return (
            f"{available} bytes of pixel data where the header declares {expected} {declared}: "
            "its bit depth, samples per pixel or frames do not match the data"
        )
    return None


def int_attr(ds: Dataset, keyword: str, default: int | None = None) -> int | None:
    try:
        value = ds.get(keyword, default)
        return default if value is None or value == "" else int(value)
    except Exception:  # a damaged element pydicom cannot convert
        return default


def _samples_note(ds: Dataset) -> str:
    samples = int_attr(ds, "SamplesPerPixel", 1) or 1
    return f", {samples} samples" if samples > 1 else ""


def _frames_note(ds: Dataset) -> str:
    frames = int_attr(ds, "NumberOfFrames", 1) or 1
    return f", {frames} frames" if frames > 1 else ""


def _native_bytes(ds: Dataset) -> int | None:
    rows, cols, bits = int_attr(ds, "Rows"), int_attr(ds, "Columns"), int_attr(ds, "BitsAllocated")
    if not rows or not cols or not bits:
        return None
    samples = int_attr(ds, "SamplesPerPixel", 1) or 1
    frames = max(1, int_attr(ds, "NumberOfFrames", 1) or 1)
    return (rows * cols * samples * frames * bits + 7) // 8


def _encapsulated_problem(fh: BinaryIO, size: int, frames: int) -> str | None:
    """Walk the item headers (basic offset table, then fragments) up to the delimiter: each of
    the `frames` needs one fragment at least."""
    pos, items, data_bytes = 0, 0, 0
    while pos + 8 <= size:
        head = fh.read(8)
        if len(head) < 8:
            break
        group, element, length = struct.unpack("<HHI", head)
        tag = group << 16 | element
        pos += 8
        if tag == _DELIMITER:
            break
        if tag != _ITEM or length == _UNDEFINED:
            return f"malformed encapsulated pixel data (tag {tag:08X} at item {items})"
        if pos + length > size:
            return f"truncated encapsulated pixel data (item {items} runs past the end of the file)"
        if items:  # item 0 is the basic offset table
            data_bytes += length
        items += 1
        pos += length
        fh.seek(length, io.SEEK_CUR)
    if items < 2 or not data_bytes:
        return "encapsulated pixel data has no fragments (no compressed image in the file)"
    if items - 1 < frames:
        return (
            f"the header declares {frames} frames, the encapsulated pixel data holds "
            f"{items - 1} fragments: the frames do not fit"
        )
    return None


def plain_pixel_problem(im: PIL.Image.Image, path: Path) -> str | None:
    """Truncation checks the format allows without decoding: PNG ends with IEND, binary
    PGM/PPM and TIFF strips lie wholly inside the file. Other formats: None."""
    size = path.stat().st_size
    if im.format == "PNG":
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 1024))
            if _PNG_END not in fh.read():
                return "truncated PNG file (no IEND chunk at its end)"
    elif im.format == "PPM" and im.tile and im.tile[0][0] in ("raw", "ppm"):
        codec, _, offset, args = im.tile[0]
        rawmode = args[0] if isinstance(args, tuple) else args
        # "ppm": binary with an unusual maxval, two bytes a sample above 255
        wide = "16" in rawmode or (codec == "ppm" and int(args[1]) > 255)
        expected = offset + im.size[0] * im.size[1] * len(im.getbands()) * (2 if wide else 1)
        if size < expected:
            return f"truncated PGM/PPM file ({size} bytes where the header declares {expected})"
    elif im.format == "TIFF":
        tags = im.tag_v2  # type: ignore[attr-defined]
        for offsets_tag, counts_tag in _TIFF_OFFSETS.items():
            offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
            if offsets is None or counts is None:
                continue
            pairs = zip(_as_tuple(offsets), _as_tuple(counts))
            if any(o + c > size for o, c in pairs):
                return "truncated TIFF file (image strips run past the end of the file)"
    return None


def _as_tuple(value: object) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (int(value),)  # type: ignore[call-overload]
