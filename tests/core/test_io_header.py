"""Header-only scans (DICOM and plain files) and plain image decoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import PIL.Image
import pytest
from pydicom.uid import JPEG2000Lossless

from mammogan_core.io import read_header, read_image, synthetic_breast, write_mammogram_dicom
from mammogan_core.io.header_scan import sniff


@pytest.fixture(scope="module")
def breast() -> np.ndarray:
    return synthetic_breast(200, 256, bits_stored=14)


def test_header_scan_fills_the_fields(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(
        tmp_path / "a.dcm",
        breast,
        bits_stored=14,
        spacing_mm=0.07,
        laterality="R",
        view="MLO",
        window=[(8000, 12000), (6000, 4000)],
        transfer_syntax=JPEG2000Lossless,
        patient_id="PAT-9",
        presentation_intent="FOR PROCESSING",
        manufacturer="HOLOGIC, Inc.",
    )
    h = read_header(path)
    assert h.is_dicom and h.path == str(path)
    assert (h.rows, h.cols, h.bits_stored) == (200, 256, 14)
    assert (h.laterality, h.view, h.spacing_mm) == ("R", "MLO", 0.07)
    assert (h.window_center, h.window_width) == (8000.0, 12000.0)  # first of several windows
    assert h.transfer_syntax == "JPEG 2000 Image Compression (Lossless Only)"
    assert (h.presentation_intent, h.modality, h.manufacturer) == (
        "FOR PROCESSING",
        "MG",
        "HOLOGIC, Inc.",
    )
    assert h.photometric == "MONOCHROME2" and h.model == "Phantom 1"
    assert h.patient_id == "PAT-9"
    assert h.study_uid and h.series_uid and h.sop_instance_uid and h.study_uid != h.series_uid
    attrs = h.attributes
    assert attrs["PresentationIntentType"] == "FOR PROCESSING"
    assert attrs["Manufacturer"] == "HOLOGIC, Inc."
    assert attrs["EstimatedRadiographicMagnificationFactor"] == 1.0
    assert attrs["BitsStored"] == 14 and attrs["ViewPosition"] == "MLO"
    assert attrs["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.1.2.1"
    assert attrs["WindowCenter"] == "8000.0\\6000.0"
    # No identifying data, sequences or binary values in the filter attributes.
    for keyword in (
        "PatientName",
        "PatientID",
        "PatientBirthDate",
        "AccessionNumber",
        "InstitutionName",
    ):
        assert keyword not in attrs
    assert all(isinstance(v, str | int | float) for v in attrs.values())


def test_header_fallbacks_imager_spacing_and_laterality(tmp_path: Path, breast: np.ndarray) -> None:
    extra = {"PixelSpacing": None, "ImagerPixelSpacing": [0.085, 0.085], "Laterality": "L"}
    path = write_mammogram_dicom(tmp_path / "b.dcm", breast, laterality=None, extra=extra)
    h = read_header(path)
    assert h.spacing_mm == 0.085 and h.laterality == "L"
    assert h.window_center is None and h.presentation_intent == "FOR PRESENTATION"


def test_header_scan_does_not_touch_pixel_data(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(tmp_path / "c.dcm", breast, view="CC")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - breast.nbytes // 2])  # cut inside the pixel data
    h = read_header(path)
    assert (h.rows, h.cols, h.view, h.spacing_mm) == (200, 256, "CC", 0.1)


@pytest.mark.parametrize(
    ("suffix", "pixels", "dtype"),
    [
        (".pgm", np.arange(200 * 256, dtype=np.uint32).reshape(200, 256) % 256, np.uint8),
        (".png", np.arange(200 * 256, dtype=np.uint32).reshape(200, 256) * 7 % 65536, np.uint16),
        (".tif", np.arange(200 * 256, dtype=np.uint32).reshape(200, 256) * 3 % 4096, np.uint16),
    ],
)
def test_plain_images_keep_their_depth(
    tmp_path: Path, suffix: str, pixels: np.ndarray, dtype: type
) -> None:
    path = tmp_path / f"img{suffix}"
    PIL.Image.fromarray(pixels.astype(dtype)).save(path)
    h = read_header(path)
    assert not h.is_dicom and (h.rows, h.cols) == (200, 256)
    assert h.bits_stored == np.dtype(dtype).itemsize * 8 and h.photometric == "MONOCHROME2"
    image = read_image(path)
    assert image.pixels.dtype == dtype
    assert np.array_equal(image.pixels, pixels)
    assert image.value_range == (0.0, float(np.iinfo(dtype).max))


def test_pgm_16bit_big_endian(tmp_path: Path) -> None:
    pixels = (np.arange(200 * 256).reshape(200, 256) * 5 % 65536).astype(np.uint16)
    path = tmp_path / "a.pgm"
    path.write_bytes(b"P5\n256 200\n65535\n" + pixels.astype(">u2").tobytes())
    assert read_header(path).bits_stored == 16
    image = read_image(path)
    assert image.pixels.dtype == np.uint16 and np.array_equal(image.pixels, pixels)


def test_plain_rgb_becomes_grey(tmp_path: Path) -> None:
    grey = (np.arange(200 * 256).reshape(200, 256) % 256).astype(np.uint8)
    path = tmp_path / "rgb.png"
    PIL.Image.fromarray(np.stack([grey] * 3, axis=-1)).save(path)
    assert read_header(path).photometric == "RGB"
    image = read_image(path, voi="dicom")
    assert image.voi == "range" and np.allclose(image.pixels, grey / 255, atol=1e-6)


def test_sniff_tells_dicom_from_plain(tmp_path: Path, breast: np.ndarray) -> None:
    dcm = write_mammogram_dicom(tmp_path / "x.png", breast)  # a misleading extension
    png = tmp_path / "y.dcm"
    PIL.Image.fromarray(breast).save(png, format="PNG")
    assert sniff(dcm) == "dicom" and read_header(dcm).is_dicom
    assert sniff(png) == "plain" and not read_header(png).is_dicom
