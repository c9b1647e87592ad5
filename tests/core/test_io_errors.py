"""Bad files give an ImageReadError that names the file and the reason, never a crash."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import PIL.Image
import pydicom
import pytest
from pydicom.uid import JPEG2000Lossless, JPEGLSLossless

import mammogan_core.io.decode as decode
from mammogan_core.errors import InputError
from mammogan_core.io import (
    ImageReadError,
    read_header,
    read_image,
    synthetic_breast,
    write_mammogram_dicom,
)


@pytest.fixture(scope="module")
def breast() -> np.ndarray:
    return synthetic_breast(200, 256)


def _fails(path: Path, match: str, *readers) -> None:
    for reader in readers:
        with pytest.raises(ImageReadError, match=match) as info:
            reader(path)
        assert info.value.path == str(path) and str(path) in str(info.value)
        assert isinstance(info.value, InputError)


@pytest.mark.parametrize("syntax", [None, JPEG2000Lossless])
def test_truncated_dicom(tmp_path: Path, breast: np.ndarray, syntax: str | None) -> None:
    kwargs = {"transfer_syntax": syntax} if syntax else {}
    path = write_mammogram_dicom(tmp_path / "t.dcm", breast, **kwargs)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _fails(path, "cannot decode pixel data|truncated", read_image)
    path.write_bytes(data[:400])  # cut inside the header
    _fails(path, "truncated", read_header, read_image)


def test_dicom_without_pixel_data(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(tmp_path / "n.dcm", breast)
    ds = pydicom.dcmread(path)
    del ds.PixelData
    ds.save_as(path)
    assert read_header(path).rows == 200  # the header alone is fine
    _fails(path, "no pixel data", read_image)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("text.dcm", b"hello, this is not a DICOM file\n" * 10, "not an image"),
        ("noext", b"some notes without an extension\n" * 10, "not an image"),
        ("notes.txt", b"just text\n", "not an image"),
        ("empty.dcm", b"", "empty file"),
        ("bad.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "not an image"),
    ],
)
def test_files_that_are_not_images(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _fails(path, reason, read_header, read_image)


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "gone.dcm", "file not found", read_header, read_image)


def test_truncated_png(tmp_path: Path, breast: np.ndarray) -> None:
    path = tmp_path / "cut.png"
    PIL.Image.fromarray(breast).save(path)
    path.write_bytes(path.read_bytes()[:3000])
    assert read_header(path).rows == 200
    _fails(path, "truncated", read_image)


def test_missing_decoder_names_syntax_and_plugin(
    tmp_path: Path, breast: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_mammogram_dicom(tmp_path / "j.dcm", breast, transfer_syntax=JPEG2000Lossless)
    missing = SimpleNamespace(is_available=False, missing_dependencies=["pylibjpeg-openjpeg>=2.0"])
    monkeypatch.setattr(decode, "get_decoder", lambda uid: missing)
    _fails(path, r"JPEG 2000 Image Compression \(Lossless Only\).*pylibjpeg-openjpeg", read_image)


def test_garbage_compressed_data_and_unknown_syntax(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(tmp_path / "g.dcm", breast)
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = JPEGLSLossless
    ds.PixelData = pydicom.encaps.encapsulate([b"\xff\xd8 not a codestream \xff\xd9"])
    ds.save_as(path)
    _fails(path, "cannot decode pixel data.*JPEG-LS", read_image)
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"  # MPEG2: no image decoder
    ds.save_as(path)
    _fails(path, "unsupported transfer syntax MPEG2", read_image)


def test_bad_window_is_a_read_error(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(tmp_path / "w.dcm", breast, window=(100, 0))
    assert read_image(path).pixels.shape == breast.shape  # only the VOI step fails
    _fails(path, "window", lambda p: read_image(p, voi="dicom"))


# ------------------------------------------------------------------ import-time pixel checks
def _checked(path: Path):
    return read_header(path, check_pixels=True)


def test_pixel_checks_pass_good_files(tmp_path: Path, breast: np.ndarray) -> None:
    for syntax in (None, JPEG2000Lossless, pydicom.uid.RLELossless):
        kwargs = {"transfer_syntax": syntax} if syntax else {}
        path = write_mammogram_dicom(tmp_path / f"{syntax}.dcm", breast, **kwargs)
        assert _checked(path).rows == 200
    for name in ("a.png", "a.pgm", "a.tif"):
        PIL.Image.fromarray(breast).save(tmp_path / name)
        assert _checked(tmp_path / name).cols == 256


def test_dicom_without_pixel_data_is_refused_when_checked(tmp_path: Path, breast) -> None:
    path = write_mammogram_dicom(tmp_path / "n.dcm", breast)
    ds = pydicom.dcmread(path)
    del ds.PixelData
    ds.save_as(path)
    _fails(path, "no pixel data", _checked)


@pytest.mark.parametrize("cut", [2, 5000, 60000])
def test_dicom_with_fewer_pixel_bytes_than_declared(tmp_path: Path, breast, cut: int) -> None:
    path = write_mammogram_dicom(tmp_path / "short.dcm", breast)
    path.write_bytes(path.read_bytes()[:-cut])
    assert read_header(path).rows == 200  # the header alone is whole
    _fails(
        path,
        f"truncated pixel data: {200 * 256 * 2 - cut} bytes where the header declares "
        f"{200 * 256 * 2} \\(256x200, 16 bits\\)",
        _checked,
    )


def test_small_dicom_cut_short_is_refused(tmp_path: Path) -> None:
    path = write_mammogram_dicom(tmp_path / "s.dcm", synthetic_breast(20, 20))  # not deferred
    path.write_bytes(path.read_bytes()[:-100])
    _fails(path, "truncated pixel data: 700 bytes", _checked)


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        (b"", "no fragments"),  # not even a basic offset table
        (b"\xfe\xff\x00\xe0\x00\x00\x00\x00", "no fragments"),  # an empty offset table
        (b"\xfe\xff\x00\xe0\x08\x00\x00\x00" + b"\x01\x02garbag", "no fragments"),
        (b"\xfe\xff\x00\xe0\x00\x00\x00\x00\xfe\xff\x00\xe0\x00\x00\x01\x00abc", "truncated"),
        (b"\xfe\xff\x00\xe0\x00\x00\x00\x00\x10\x00\x10\x00\x04\x00\x00\x00abcd", "malformed"),
    ],
)
def test_encapsulated_stream_without_fragments(
    tmp_path: Path, breast: np.ndarray, items: bytes, reason: str
) -> None:
    path = write_mammogram_dicom(tmp_path / "e.dcm", breast, transfer_syntax=JPEG2000Lossless)
    start = pydicom.dcmread(path, defer_size=1024).get_item(0x7FE00010, keep_deferred=True)
    data = path.read_bytes()  # the stream is replaced as bytes: pydicom would not write it
    path.write_bytes(data[: start.value_tell] + items + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00")
    _fails(path, reason, _checked)


def test_encapsulated_stream_cut_short(tmp_path: Path, breast: np.ndarray) -> None:
    path = write_mammogram_dicom(tmp_path / "c.dcm", breast, transfer_syntax=JPEG2000Lossless)
    path.write_bytes(path.read_bytes()[:-500])
    _fails(path, "truncated", _checked)


def test_absurd_dimensions_are_refused_before_any_decode(tmp_path: Path) -> None:
    path = write_mammogram_dicom(tmp_path / "huge.dcm", synthetic_breast(20, 20))
    ds = pydicom.dcmread(path)
    ds.Rows = ds.Columns = 65535
    ds.save_as(path)
    _fails(path, "declares 65535x65535 pixels, more than any mammogram", _checked)
    png = tmp_path / "huge.png"
    png.write_bytes(_png_header(100_000, 100_000))
    # pillow refuses the size at open (DecompressionBombError): an error naming the file
    _fails(png, r"image too large to be a mammogram.*10000000000 pixels", _checked, read_image)


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_truncated_plain_files_are_refused_when_checked(tmp_path: Path, breast) -> None:
    eight = (breast // 16).astype(np.uint8)
    declares = r"truncated PGM/PPM file \(\d+ bytes where the header declares "
    for name, pixels, reason in [
        ("cut.png", breast, "truncated PNG file"),
        ("cut8.pgm", eight, declares + r"5121\d\)"),  # 256 x 200 bytes + header
        ("cut16.pgm", breast, declares + r"1024\d\d\)"),
        ("cut.tif", breast, "truncated TIFF file"),
    ]:
        path = tmp_path / name
        PIL.Image.fromarray(pixels).save(path)
        path.write_bytes(path.read_bytes()[:-300])
        assert read_header(path).rows == 200  # header scans alone do not see it
        _fails(path, reason, _checked)
