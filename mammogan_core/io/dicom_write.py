"""Write realistic mammography DICOM files from arrays: fixtures for tests, demos and benchmarks.

Example::

    write_mammogram_dicom(tmp / "a.dcm", pixels, photometric="MONOCHROME1", window=(2048, 4096),
                          transfer_syntax=JPEG2000Lossless, extra={"ViewPosition": "MLO"})

Encoders available here: uncompressed, RLE (pydicom), JPEG 2000 lossless and lossy
(pylibjpeg-openjpeg), JPEG baseline for 8-bit (pillow). JPEG-LS needs pyjpegls: check
`can_encode(uid)` and skip where it is missing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import PIL.Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import get_encoder
from pydicom.uid import (
    JPEG2000,
    PYDICOM_IMPLEMENTATION_UID,
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    generate_uid,
)

from mammogan_core.atomic import atomic_open

MG_FOR_PRESENTATION = UID("1.2.840.10008.5.1.4.1.1.1.2")
MG_FOR_PROCESSING = UID("1.2.840.10008.5.1.4.1.1.1.2.1")
_UNCOMPRESSED = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)


def can_encode(transfer_syntax: str) -> bool:
    """Whether `write_mammogram_dicom` can write this transfer syntax in this environment."""
    uid = UID(transfer_syntax)
    if uid in _UNCOMPRESSED or uid == JPEGBaseline8Bit:
        return True
    try:
        return get_encoder(uid).is_available
    except NotImplementedError:
        return False


def write_mammogram_dicom(
    path: str | Path,
    pixels: np.ndarray,
    *,
    photometric: str = "MONOCHROME2",
    bits_stored: int = 12,
    spacing_mm: float | None = 0.1,
    laterality: str | None = "L",
    view: str | None = "CC",
    window: tuple[float, float] | Sequence[tuple[float, float]] | None = None,
    voi_lut_sequence: np.ndarray | None = None,
    voi_function: str | None = None,
    rescale: tuple[float, float] | None = None,
    transfer_syntax: str = ExplicitVRLittleEndian,
    patient_id: str = "P001",
    presentation_intent: str = "FOR PRESENTATION",
    manufacturer: str = "MAMMOGAN PHANTOM",
    compression_ratio: float = 10.0,
    preamble: bool = True,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write `pixels` (2-D uint8/uint16/int16, or rows x cols x 3 uint8 RGB) as stored values.

    Nothing is transformed: for MONOCHROME1 pass the already inverted stored values.
    window: one (center, width) or a list of them (multi-valued WindowCenter/Width).
    voi_lut_sequence: LUT data (uint8 or uint16, first mapped value 0) for a VOILUTSequence item.
    compression_ratio: only for lossy JPEG 2000 (`pydicom.uid.JPEG2000`).
    preamble=False writes a bare dataset (implicit VR, no 'DICM' preamble, no file meta), as some
    archives store them. extra: keyword -> value set last; a None value deletes the element.
    Raises ValueError for a transfer syntax that cannot be encoded here (see `can_encode`).
    """
    path = Path(path)
    uid = UID(transfer_syntax)
    if not can_encode(uid):
        raise ValueError(f"no encoder for {uid.name} here (pyjpegls or gdcm missing)")
    ds = _dataset(pixels, photometric, bits_stored, presentation_intent)
    _set_clinical(ds, patient_id, manufacturer, laterality, view, spacing_mm)
    _set_luts(ds, window, voi_lut_sequence, voi_function, rescale)
    for keyword, value in (extra or {}).items():
        if value is None:
            if keyword in ds:
                delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    _encode(ds, pixels, uid, compression_ratio)
    with atomic_open(path, "wb") as f:
        if preamble:
            ds.save_as(f, enforce_file_format=True)
        else:
            ds.file_meta = FileMetaDataset()
            ds.save_as(f, implicit_vr=True, little_endian=True)
    return path


def _dataset(pixels: np.ndarray, photometric: str, bits_stored: int, intent: str) -> Dataset:
    if pixels.dtype not in (np.uint8, np.uint16, np.int16):
        raise ValueError(f"pixels must be uint8, uint16 or int16, not {pixels.dtype}")
    colour = pixels.ndim == 3
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    sop_class = MG_FOR_PROCESSING if intent == "FOR PROCESSING" else MG_FOR_PRESENTATION
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "MG"
    ds.PresentationIntentType = intent
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.SamplesPerPixel = 3 if colour else 1
    if colour:
        ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = "RGB" if colour else photometric
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = min(bits_stored, ds.BitsAllocated)
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if pixels.dtype == np.int16 else 0
    return ds


def _set_clinical(
    ds: Dataset,
    patient_id: str,
    manufacturer: str,
    laterality: str | None,
    view: str | None,
    spacing_mm: float | None,
) -> None:
    """Identifying and acquisition tags as real exports carry them (so anonymisation is tested)."""
    ds.PatientID = patient_id
    ds.PatientName = f"PHANTOM^{patient_id}"
    ds.PatientBirthDate = "19600101"
    ds.PatientSex = "F"
    ds.AccessionNumber = f"ACC{patient_id}"
    ds.InstitutionName = "MammoGAN Test Hospital"
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = "20240101"
    ds.Manufacturer = manufacturer
    ds.ManufacturerModelName = "Phantom 1"
    ds.BodyPartExamined = "BREAST"
    ds.EstimatedRadiographicMagnificationFactor = 1.0
    if laterality:
        ds.ImageLaterality = laterality
    if view:
        ds.ViewPosition = view
    if spacing_mm:
        ds.PixelSpacing = ds.ImagerPixelSpacing = [spacing_mm, spacing_mm]


def _set_luts(
    ds: Dataset,
    window: tuple[float, float] | Sequence[tuple[float, float]] | None,
    voi_lut: np.ndarray | None,
    voi_function: str | None,
    rescale: tuple[float, float] | None,
) -> None:
    if rescale is not None:
        ds.RescaleSlope, ds.RescaleIntercept = rescale
        ds.RescaleType = "US"
    if window is not None:
        pairs = [window] if np.isscalar(window[0]) else list(window)
        ds.WindowCenter = [c for c, _ in pairs] if len(pairs) > 1 else pairs[0][0]
        ds.WindowWidth = [w for _, w in pairs] if len(pairs) > 1 else pairs[0][1]
    if voi_function:
        ds.VOILUTFunction = voi_function
    if voi_lut is not None:
        item = Dataset()
        item.LUTDescriptor = [len(voi_lut), 0, 8 if voi_lut.dtype == np.uint8 else 16]
        item.add_new(0x00283006, "US", [int(v) for v in voi_lut])  # LUTData; VR 'US or OW'
        ds.VOILUTSequence = [item]


def _encode(ds: Dataset, pixels: np.ndarray, uid: UID, ratio: float) -> None:
    ds.file_meta.TransferSyntaxUID = uid
    if uid in _UNCOMPRESSED:
        ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    elif uid == JPEGBaseline8Bit:
        if pixels.dtype != np.uint8 or pixels.ndim != 2:
            raise ValueError("JPEG baseline here needs 2-D 8-bit pixels")
        buf = io.BytesIO()
        PIL.Image.fromarray(pixels).save(buf, format="JPEG", quality=95)
        ds.PixelData = encapsulate([buf.getvalue()])
        ds["PixelData"].VR = "OB"
        ds.LossyImageCompression = "01"
    else:
        kwargs = {"j2k_cr": [ratio]} if uid == JPEG2000 else {}
        ds.compress(uid, np.ascontiguousarray(pixels), generate_instance_uid=False, **kwargs)


def synthetic_breast(
    rows: int = 200, cols: int = 256, bits_stored: int = 12, seed: int = 0
) -> np.ndarray:
    """A smooth breast-like uint16 picture (half-disc on the left, one dense blob, mild noise).

    Smooth on purpose: lossy codecs then stay close to it, unlike on pure noise.
    """
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    top = 2**bits_stored - 1
    r = np.hypot((y - rows / 2) / (rows / 2), x / (0.8 * cols))
    tissue = np.clip(1.0 - r, 0.0, 1.0) ** 0.5
    blob = np.exp(-(((y - 0.4 * rows) ** 2 + (x - 0.3 * cols) ** 2) / (2 * (0.06 * rows) ** 2)))
    picture = top * (0.05 + 0.7 * tissue + 0.2 * blob) + rng.normal(0.0, 0.005 * top, (rows, cols))
    return np.clip(np.rint(picture), 0, top).astype(np.uint16)
