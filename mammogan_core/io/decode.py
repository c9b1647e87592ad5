"""Decode an image file to a 2-D array: DICOM (with modality LUT, MONOCHROME1, VOI) or plain."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.pixels import apply_modality_lut, apply_voi, get_decoder, pixel_array

from mammogan_core.io.errors import ImageReadError
from mammogan_core.io.header import ImageHeader
from mammogan_core.io.header_scan import (
    dicom_header,
    open_dicom,
    open_plain,
    plain_header,
    sniff,
)
from mammogan_core.io.voi import apply_window, mirror_center

VOI_MODES = ("none", "dicom", "range", "minmax")
_INT_TYPES = (np.uint8, np.uint16, np.int16, np.int32, np.int64)


@dataclass(frozen=True)
class Image:
    """A decoded grey image where bright = dense.

    `pixels`: 2-D; with voi="none" the modality values in their native integer dtype where
    possible (uint16 for most mammograms), otherwise float32 in [0, 1]. May be read-only (a
    view on the file's bytes for uncompressed data): copy before writing into it.
    `header`: the file's header, except that `window_center` is mirrored when the pixels were
    inverted (MONOCHROME1), so that the header window applies to `pixels` as they are
    (`header.attributes` keep the file's raw values).
    `value_range`: the nominal (lo, hi) of `pixels` (e.g. (0, 4095) for 12 bits stored).
    `voi`: what was applied: "none", "window", "lut", "range" or "minmax".
    `pixel_max`: `pixels.max()` when decoding already computed it (one full pass saved), or None.
    """

    pixels: np.ndarray
    header: ImageHeader
    value_range: tuple[float, float]
    monochrome1_inverted: bool = False
    voi: str = "none"
    pixel_max: float | None = None


def read_image(path: str | Path, *, voi: str = "none", voi_index: int = 0) -> Image:
    """Read and decode one image file.

    voi: "none" (modality values), "dicom" (the file's VOI LUT or window number `voi_index`;
    falls back to "range" when the file has none), "range" (nominal range -> [0, 1]) or
    "minmax" (the image's own min..max -> [0, 1]).
    """
    if voi not in VOI_MODES:
        raise ValueError(f"voi must be one of {VOI_MODES}, not {voi!r}")
    path = Path(path)
    kind = sniff(path)
    if kind == "plain":
        header = plain_header(path)
        pixels = _decode_plain(path)
        info = np.iinfo(pixels.dtype) if pixels.dtype.kind in "ui" else None
        value_range = (0.0, 1.0) if info is None else (float(info.min), float(info.max))
        # A plain file has no VOI of its own: "dicom" means its nominal range.
        return _finish(pixels, header, value_range, "range" if voi == "dicom" else voi, None)
    ds = open_dicom(path, header_only=False, forced=kind == "raw-dicom")
    header = dicom_header(ds, path)
    # A view on the file's bytes where the data is uncompressed: no copy of a 27 MB image.
    stored, stored_max = _decode(ds, path, view_only=True)
    del ds.PixelData  # compressed data: frees the encoded bytes before the VOI step's copies
    pixels, lo, hi = _modality(stored, ds)
    if voi == "dicom":
        pixels, applied = _dicom_voi(pixels, ds, voi_index, path)
        if applied:
            return _finish(pixels, header, (0.0, 1.0), applied, ds)
        voi = "range"
    image = _finish(pixels, header, (lo, hi), voi, ds)
    if image.pixels is stored:  # untouched by modality LUT, VOI and inversion: the max holds
        image = dataclasses.replace(image, pixel_max=stored_max)
    return image


def decode_pixels(path: str | Path) -> np.ndarray:
    """Only the raw decode (stored values, first frame, grey), as pydicom returns it by default
    (a writeable array): the reference decode of the benchmarks."""
    path = Path(path)
    kind = sniff(path)
    if kind == "plain":
        return _decode_plain(path)
    return decode_dataset(open_dicom(path, header_only=False, forced=kind == "raw-dicom"), path)


def decode_dataset(ds: Dataset, path: Path, *, view_only: bool = False) -> np.ndarray:
    """Stored pixel values of frame 0 as a 2-D array; colour is converted to grey.
    view_only: uncompressed unsigned grey data comes back as a read-only view on `ds.PixelData`
    (the same values as the default, without its copy of the whole image)."""
    return _decode(ds, path, view_only=view_only)[0]


def _decode(ds: Dataset, path: Path, *, view_only: bool) -> tuple[np.ndarray, float | None]:
    """decode_dataset, and the array's maximum when the view check computed it."""
    if "PixelData" not in ds:
        raise ImageReadError("no pixel data in the DICOM file (not an image, or truncated)", path)
    syntax = ds.file_meta.TransferSyntaxUID
    if syntax.is_compressed:
        try:
            decoder = get_decoder(syntax)
        except NotImplementedError:
            raise ImageReadError(
                f"unsupported transfer syntax {syntax.name} ({syntax})", path
            ) from None
        if not decoder.is_available:
            missing = "; ".join(decoder.missing_dependencies) or "no plugin"
            raise ImageReadError(f"cannot decode {syntax.name}: missing decoder ({missing})", path)
    try:
        frames = int(ds.get("NumberOfFrames") or 1)
        # Only frame 0 is decoded: multi-frame objects are not what the method uses.
        index = 0 if frames > 1 else None
        if view_only and _viewable(ds):
            arr, top = _native_view(ds, index)
        else:
            arr, top = pixel_array(ds, index=index), None
    except Exception as exc:  # plugins raise many kinds on damaged data
        raise ImageReadError(f"cannot decode pixel data ({syntax.name}): {exc}", path) from exc
    except BaseException as exc:
        # Rust plugins (pyo3) panic on some damaged streams: a PanicException is a
        # BaseException, and would otherwise end the whole batch
        if type(exc).__name__ != "PanicException":
            raise
        raise ImageReadError(f"cannot decode pixel data ({syntax.name}): {exc}", path) from exc
    return _to_grey(arr, path), top


def _viewable(ds: Dataset) -> bool:
    return (
        not ds.file_meta.TransferSyntaxUID.is_compressed
        and int(ds.get("SamplesPerPixel") or 1) == 1
        and int(ds.get("BitsAllocated") or 0) in (8, 16)
        and int(ds.get("PixelRepresentation") or 0) == 0
    )


def _native_view(ds: Dataset, index: int | None) -> tuple[np.ndarray, float | None]:
    """pydicom's default copies the whole image and shifts it twice to clear the bits above
    BitsStored (for a 14-bit mammogram: 8.7 ms, against 3.4 ms for a view). Here the bits are
    cleared only when a pixel has one set: one max() pass (kept for the caller), same values."""
    arr = pixel_array(ds, index=index, view_only=True, correct_unused_bits=False)
    bits = int(ds.get("BitsStored") or 0)
    if not (arr.dtype.kind == "u" and 0 < bits < arr.dtype.itemsize * 8 and arr.size):
        return arr, None
    top = int(arr.max())
    if top >> bits:
        arr = arr & arr.dtype.type(2**bits - 1)
        return arr, None
    return arr, float(top)


def _to_grey(arr: np.ndarray, path: Path) -> np.ndarray:
    if arr.ndim == 2:
        return arr
    if arr.ndim != 3 or arr.shape[-1] not in (3, 4):
        raise ImageReadError(f"unsupported pixel array shape {arr.shape}", path)
    rgb = arr[..., :3]
    if (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all():
        return np.ascontiguousarray(rgb[..., 0])
    luma = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601
    return np.rint(luma).astype(arr.dtype)


def _decode_plain(path: Path) -> np.ndarray:
    try:
        with open_plain(path) as im:
            if im.mode.startswith("I;16") or im.mode in ("L", "I", "F"):
                arr = np.asarray(im)
            else:  # palette, RGB, CMYK, 1-bit...: to 8-bit grey
                arr = np.asarray(im.convert("L"))
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageReadError(f"corrupt or truncated image file ({exc})", path) from exc
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.dtype == np.int32 and arr.min() >= 0 and arr.max() <= 65535:  # 16-bit PGM reads as "I"
        arr = arr.astype(np.uint16)
    return arr


def _modality(arr: np.ndarray, ds: Dataset) -> tuple[np.ndarray, float, float]:
    """Apply the modality LUT; return the values and their nominal range (lo, hi)."""
    bits = int(ds.get("BitsStored") or arr.dtype.itemsize * 8)
    signed = int(ds.get("PixelRepresentation") or 0) == 1
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    if ds.get("ModalityLUTSequence"):
        out_bits = int(ds.ModalityLUTSequence[0].LUTDescriptor[2])
        return apply_modality_lut(arr, ds), 0.0, float(2**out_bits - 1)
    slope = float(ds.get("RescaleSlope") or 1.0)
    intercept = float(ds.get("RescaleIntercept") or 0.0)
    if slope == 1.0 and intercept == 0.0:
        return arr, float(lo), float(hi)
    lo, hi = sorted((lo * slope + intercept, hi * slope + intercept))
    if slope.is_integer() and intercept.is_integer():
        # Integer rescales stay integer: float64 (pydicom's choice) would quadruple the memory.
        dtype = next(t for t in _INT_TYPES if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max)
        out = arr.astype(dtype)
        out *= dtype(slope)
        out += dtype(intercept)
    else:
        out = arr.astype(np.float32)
        out *= np.float32(slope)
        out += np.float32(intercept)
    return out, lo, hi


def _dicom_voi(
    pixels: np.ndarray, ds: Dataset, index: int, path: Path
) -> tuple[np.ndarray, str | None]:
    """The file's VOI (LUT preferred over window, as pydicom does) -> float32 [0, 1]."""
    lut = ds.get("VOILUTSequence")
    try:
        if lut and len(lut) > index and "LUTData" in lut[index]:
            out_bits = int(lut[index].LUTDescriptor[2])
            scaled = apply_voi(pixels, ds, index).astype(np.float32)
            scaled /= np.float32(2**out_bits - 1)
            return scaled, "lut"
        centers, widths = ds.get("WindowCenter"), ds.get("WindowWidth")
        if centers is None or widths is None:
            return pixels, None
        center, width = float(_pick(centers, index)), float(_pick(widths, index))
        return apply_window(pixels, center, width, ds.get("VOILUTFunction")), "window"
    except (ValueError, IndexError, TypeError) as exc:
        raise ImageReadError(f"unusable VOI LUT or window ({exc})", path) from exc


def _pick(value: object, index: int) -> object:
    """Value number `index` of a possibly multi-valued element (VM 1 counts as a list of one)."""
    return value[index] if isinstance(value, MultiValue | list) else [value][index]


def _finish(
    pixels: np.ndarray,
    header: ImageHeader,
    value_range: tuple[float, float],
    voi: str,
    ds: Dataset | None,
) -> Image:
    """MONOCHROME1 inversion after VOI (as DICOM orders it), or the range / minmax scaling."""
    lo, hi = value_range
    inverted = header.photometric == "MONOCHROME1"
    if voi in ("range", "minmax"):
        if voi == "minmax":
            lo, hi = float(pixels.min()), float(pixels.max())
        scaled = pixels.astype(np.float32)
        scaled -= np.float32(lo)
        scaled /= np.float32(max(hi - lo, 1e-12))
        pixels, lo, hi = scaled, 0.0, 1.0
    if inverted:
        pixels = _invert(pixels, lo, hi)
        if voi == "none" and header.window_center is not None:
            function = ds.get("VOILUTFunction") if ds is not None else None
            header = dataclasses.replace(
                header, window_center=mirror_center(header.window_center, lo + hi, function)
            )
    return Image(pixels, header, (lo, hi), inverted, voi)


def _invert(pixels: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """`lo + hi - x` over the nominal range, so windows can be mirrored with the same constant."""
    out = pixels if pixels.flags.writeable else None
    if pixels.dtype.kind == "f":
        return np.subtract(pixels.dtype.type(lo + hi), pixels, out=out)
    kind = pixels.dtype.type
    # Values outside BitsStored (garbage in the high bits) would wrap around when inverted.
    pixels = np.clip(pixels, kind(lo), kind(hi), out=out)
    # (hi - x) + lo: lo + hi itself may not fit the integer type; the two steps do.
    pixels = np.subtract(kind(hi), pixels, out=pixels)
    if lo:
        pixels += kind(lo)
    return pixels
