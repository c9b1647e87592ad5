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
