"""Decoding DICOM: modality LUT, MONOCHROME1, VOI (windows, LUT sequence, functions), codecs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_voi_lut
from pydicom.uid import (
    JPEG2000,
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLSLossless,
    RLELossless,
)

from mammogan_core.io import (
    apply_window,
    can_encode,
    decode_pixels,
    read_image,
    synthetic_breast,
    write_mammogram_dicom,
)

TOP = 4095  # 12 bits stored


@pytest.fixture(scope="module")
def breast() -> np.ndarray:
    return synthetic_breast(200, 256, bits_stored=12)


def test_uncompressed_round_trip_keeps_uint16(tmp_path: Path, breast: np.ndarray) -> None:
    image = read_image(write_mammogram_dicom(tmp_path / "a.dcm", breast))
    assert image.pixels.dtype == np.uint16
    assert np.array_equal(image.pixels, breast)
    assert image.value_range == (0.0, TOP)
    assert not image.monochrome1_inverted and image.voi == "none"
    assert np.array_equal(decode_pixels(tmp_path / "a.dcm"), breast)


@pytest.mark.parametrize("function", [None, "LINEAR_EXACT", "SIGMOID"])
def test_monochrome1_gives_the_same_picture_as_monochrome2(
    tmp_path: Path, breast: np.ndarray, function: str | None
) -> None:
    center, width = 1800.0, 2500.0
    # The same picture stored inverted: its window is mirrored (LINEAR is centred on c - 0.5).
    mirrored = TOP - center + (1.0 if function is None else 0.0)
    m2 = write_mammogram_dicom(
        tmp_path / "m2.dcm", breast, window=(center, width), voi_function=function
    )
    m1 = write_mammogram_dicom(
        tmp_path / "m1.dcm",
        (TOP - breast).astype(np.uint16),
        photometric="MONOCHROME1",
        window=(mirrored, width),
        voi_function=function,
    )
    raw1, raw2 = read_image(m1), read_image(m2)
    assert raw1.monochrome1_inverted and not raw2.monochrome1_inverted
    assert raw1.pixels.dtype == np.uint16
    assert np.array_equal(raw1.pixels, raw2.pixels)
    # The header window is mirrored back so that it applies to the returned (inverted) pixels.
    assert raw1.header.window_center == pytest.approx(center)
    shown1, shown2 = read_image(m1, voi="dicom"), read_image(m2, voi="dicom")
    assert shown1.voi == shown2.voi == "window"
    assert np.allclose(shown1.pixels, shown2.pixels, atol=1e-5)
    windowed = apply_window(raw1.pixels, raw1.header.window_center, width, function or "LINEAR")
    assert np.allclose(windowed, shown2.pixels, atol=1e-5)


def test_monochrome1_without_voi_is_inverted_over_the_bits_stored_range(
    tmp_path: Path, breast: np.ndarray
) -> None:
    path = write_mammogram_dicom(tmp_path / "m1.dcm", breast, photometric="MONOCHROME1")
    image = read_image(path, voi="range")
    assert image.voi == "range" and image.pixels.dtype == np.float32
    assert np.allclose(image.pixels, 1.0 - breast / TOP, atol=1e-6)


@pytest.mark.parametrize(
    ("rescale", "dtype"),
    [((2, -100), np.int16), ((1, 1000), np.uint16), ((0.5, 10.25), np.float32)],
)
def test_rescale_slope_and_intercept(
    tmp_path: Path, breast: np.ndarray, rescale: tuple[float, float], dtype: type
) -> None:
    image = read_image(write_mammogram_dicom(tmp_path / "r.dcm", breast, rescale=rescale))
    slope, intercept = rescale
    assert image.pixels.dtype == dtype  # integer rescales stay integer (memory)
    assert np.allclose(image.pixels, breast.astype(np.float64) * slope + intercept)
    assert image.value_range == (intercept, TOP * slope + intercept)


@pytest.mark.parametrize("function", ["LINEAR", "LINEAR_EXACT", "SIGMOID"])
@pytest.mark.parametrize("index", [0, 1])
def test_windows_match_pydicom(
    tmp_path: Path, breast: np.ndarray, function: str, index: int
) -> None:
    windows = [(2000.0, 3000.0), (1500.5, 801.0)]
    path = write_mammogram_dicom(tmp_path / "w.dcm", breast, window=windows, voi_function=function)
    header = read_image(path).header
    assert (header.window_center, header.window_width) == windows[0]
    image = read_image(path, voi="dicom", voi_index=index)
    expected = apply_voi_lut(breast, pydicom.dcmread(path), index=index) / TOP
    assert image.pixels.dtype == np.float32
    assert image.pixels.min() >= 0.0 and image.pixels.max() <= 1.0
    assert np.allclose(image.pixels, expected, atol=1e-5)


def test_voi_lut_sequence_is_applied(tmp_path: Path, breast: np.ndarray) -> None:
    lut = np.rint(65535 * np.sqrt(np.arange(TOP + 1) / TOP)).astype(np.uint16)
    # The LUT is preferred over the window when both are present, as in pydicom.
    path = write_mammogram_dicom(
        tmp_path / "lut.dcm", breast, voi_lut_sequence=lut, window=(10, 20)
    )
    image = read_image(path, voi="dicom")
    assert image.voi == "lut"
    assert np.allclose(image.pixels, lut[breast] / 65535, atol=1e-6)


def test_dicom_voi_falls_back_to_the_nominal_range(tmp_path: Path, breast: np.ndarray) -> None:
    image = read_image(write_mammogram_dicom(tmp_path / "n.dcm", breast), voi="dicom")
    assert image.voi == "range"
    assert np.allclose(image.pixels, breast / TOP, atol=1e-6)
    minmax = read_image(tmp_path / "n.dcm", voi="minmax").pixels
    assert minmax.min() == 0.0 and minmax.max() == 1.0


def test_bad_voi_mode_is_refused(tmp_path: Path, breast: np.ndarray) -> None:
    with pytest.raises(ValueError, match="voi must be one of"):
        read_image(write_mammogram_dicom(tmp_path / "n.dcm", breast), voi="auto")


@pytest.mark.parametrize("syntax", [JPEG2000Lossless, RLELossless, JPEGLSLossless])
def test_lossless_codecs_round_trip_exactly(
    tmp_path: Path, breast: np.ndarray, syntax: str
) -> None:
    if not can_encode(syntax):
        pytest.skip(f"no encoder for {syntax.name} here (pyjpegls is not installed)")
    image = read_image(write_mammogram_dicom(tmp_path / "c.dcm", breast, transfer_syntax=syntax))
    assert image.header.transfer_syntax == syntax.name
    assert image.pixels.dtype == np.uint16
    assert np.array_equal(image.pixels, breast)


def test_jpeg2000_lossy_decodes_close_to_the_original(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(
        tmp_path / "j.dcm", breast, transfer_syntax=JPEG2000, compression_ratio=20
    )
    assert path.stat().st_size < breast.nbytes / 10
    image = read_image(path)
    error = np.abs(image.pixels.astype(np.int32) - breast)
    assert image.pixels.shape == breast.shape
    assert error.mean() < 0.01 * TOP


def test_jpeg_baseline_8bit_decodes(tmp_path: Path, breast: np.ndarray) -> None:
    eight = (breast >> 4).astype(np.uint8)
    image = read_image(
        write_mammogram_dicom(
            tmp_path / "b.dcm", eight, bits_stored=8, transfer_syntax=JPEGBaseline8Bit
        )
    )
    assert image.pixels.dtype == np.uint8
    assert np.abs(image.pixels.astype(np.int16) - eight).mean() < 2


def test_rgb_dicom_is_converted_to_grey(tmp_path: Path, breast: np.ndarray) -> None:
    grey = (breast >> 4).astype(np.uint8)
    rgb = np.stack([grey, grey, grey], axis=-1)
    image = read_image(write_mammogram_dicom(tmp_path / "rgb.dcm", rgb, bits_stored=8))
    assert image.pixels.shape == grey.shape
    assert np.array_equal(image.pixels, grey)
    tinted = rgb.copy()
    tinted[..., 0] = 255
    luma = read_image(write_mammogram_dicom(tmp_path / "t.dcm", tinted, bits_stored=8)).pixels
    assert np.allclose(luma, 0.299 * 255 + 0.701 * grey, atol=1)


def test_only_the_first_frame_of_a_multiframe_file_is_decoded(
    tmp_path: Path, breast: np.ndarray
) -> None:
    path = write_mammogram_dicom(tmp_path / "mf.dcm", breast)
    ds = pydicom.dcmread(path)
    ds.NumberOfFrames = 2
    ds.PixelData = breast.tobytes() + (TOP - breast).astype(np.uint16).tobytes()
    ds.save_as(path)
    assert np.array_equal(read_image(path).pixels, breast)


@pytest.mark.parametrize("name", ["nopreamble", "1.2.840.113619.2.5", "x.dicom"])
def test_dicom_without_preamble_or_extension_is_read(
    tmp_path: Path, breast: np.ndarray, name: str
) -> None:
    path = write_mammogram_dicom(
        tmp_path / name, breast, preamble=False, transfer_syntax=ExplicitVRLittleEndian
    )
    assert path.read_bytes()[128:132] != b"DICM"
    image = read_image(path)
    assert image.header.is_dicom and image.header.transfer_syntax == "Implicit VR Little Endian"
    assert np.array_equal(image.pixels, breast)


def test_monochrome1_with_rescale_is_inverted_over_the_rescaled_range(
    tmp_path: Path, breast: np.ndarray
) -> None:
    path = write_mammogram_dicom(
        tmp_path / "m1r.dcm",
        breast,
        photometric="MONOCHROME1",
        rescale=(2, -100),
        window=(3000, 2000),
    )
    image = read_image(path)
    lo, hi = -100, 2 * TOP - 100
    assert image.value_range == (lo, hi) and image.pixels.dtype == np.int16
    assert np.array_equal(image.pixels, lo + hi - (breast.astype(np.int32) * 2 - 100))
    assert image.header.window_center == lo + hi - 3000 + 1


def test_uncompressed_read_is_a_view_and_bits_above_bits_stored_are_cleared(
    tmp_path: Path, breast: np.ndarray
) -> None:
    clean = read_image(write_mammogram_dicom(tmp_path / "clean.dcm", breast))
    # No copy of the image: the pixels are the file's bytes, and their max came with them.
    assert not clean.pixels.flags.writeable
    assert clean.pixel_max == float(breast.max())
    dirty = breast.copy()
    dirty[::7, ::5] |= 0xF000  # garbage in the 4 unused high bits, as some archives have
    path = write_mammogram_dicom(tmp_path / "dirty.dcm", breast)
    ds = pydicom.dcmread(path)
    ds.PixelData = dirty.tobytes()
    ds.save_as(path)
    image = read_image(path)
    assert np.array_equal(image.pixels, breast)  # exactly what pydicom's default gives
    assert np.array_equal(decode_pixels(path), breast)
    assert image.pixel_max is None  # the max of the masked copy was never computed
    inverted = read_image(
        write_mammogram_dicom(tmp_path / "m1.dcm", breast, photometric="MONOCHROME1")
    )
    assert inverted.pixel_max is None  # the pixels changed: a decode-time max would be wrong
