"""Import refuses, header alone, the DICOM files no decoder turns into a grey mammogram, each
with its reason; the valid files of every transfer syntax pass (the negative control)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import JPEG2000Lossless, JPEGBaseline8Bit, RLELossless

from mammogan_core.io import ImageReadError, read_header, read_image, write_mammogram_dicom
from mammogan_core.io import decode as decode_module

SYNTAXES = [None, JPEG2000Lossless, RLELossless]


@pytest.fixture(scope="module")
def grey() -> np.ndarray:
    return (np.arange(64 * 48).reshape(64, 48) % 4096).astype(np.uint16)


def _write(tmp_path: Path, grey: np.ndarray, syntax: str | None, **values) -> Path:
    path = tmp_path / "x.dcm"
    write_mammogram_dicom(path, grey, **({"transfer_syntax": syntax} if syntax else {}))
    ds = pydicom.dcmread(path)
    for keyword, value in values.items():
        setattr(ds.file_meta if keyword == "TransferSyntaxUID" else ds, keyword, value)
    ds.save_as(path, enforce_file_format=True)
    return path


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_valid_files_pass_and_no_pixel_is_decoded(tmp_path, grey, syntax, monkeypatch) -> None:
    path = _write(tmp_path, grey, syntax)

    def no_decode(*args, **kwargs):
        raise AssertionError("the header check decoded pixels")

    monkeypatch.setattr(decode_module, "pixel_array", no_decode)
    monkeypatch.setattr(pydicom.Dataset, "pixel_array", property(no_decode))
    assert read_header(path, check_pixels=True).rows == 64
    monkeypatch.undo()
    assert read_image(path).pixels.shape == (64, 48)


CASES = {
    "BitsAllocated 12": {"BitsAllocated": 12},
    "BitsAllocated 24": {"BitsAllocated": 24},
    "BitsAllocated 64": {"BitsAllocated": 64},
    "BitsAllocated 7": {"BitsAllocated": 7},
    "BitsStored 20 does not fit in BitsAllocated 16": {"BitsStored": 20},
    "unknown PhotometricInterpretation 'MONOCHROME3'": {"PhotometricInterpretation": "MONOCHROME3"},
    "PhotometricInterpretation RGB: a colour image": {"PhotometricInterpretation": "RGB"},
    "SamplesPerPixel 3: a mammogram has one sample": {"SamplesPerPixel": 3},
    "PixelRepresentation 2": {"PixelRepresentation": 2},
    "NumberOfFrames '0'": {"NumberOfFrames": 0},
}


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("reason", list(CASES))
def test_undecodable_headers_are_refused_with_the_reason(tmp_path, grey, syntax, reason) -> None:
    path = _write(tmp_path, grey, syntax, **CASES[reason])
    with pytest.raises(ImageReadError, match=reason.replace("(", r"\(")) as info:
        read_header(path, check_pixels=True)
    assert info.value.path == str(path)


def test_data_that_does_not_fit_the_declared_pixels(tmp_path, grey) -> None:
    # 16-bit data under an 8-bit header: twice the bytes the header declares
    path = _write(tmp_path, grey, None, BitsAllocated=8, BitsStored=8, HighBit=7)
    with pytest.raises(ImageReadError, match="bit depth, samples per pixel or frames do not match"):
        read_header(path, check_pixels=True)
    path = _write(tmp_path, grey, None, NumberOfFrames=3)  # three frames in the data of one
    with pytest.raises(ImageReadError, match=r"truncated pixel data.*3 frames"):
        read_header(path, check_pixels=True)
    path = _write(tmp_path, grey, JPEG2000Lossless, NumberOfFrames=3)
    with pytest.raises(ImageReadError, match=r"3 frames.*1 fragments: the frames do not fit"):
        read_header(path, check_pixels=True)
    # a 12-bit image labelled as baseline JPEG, which holds 8 bits
    path = _write(tmp_path, grey, JPEG2000Lossless, TransferSyntaxUID=JPEGBaseline8Bit)
    with pytest.raises(ImageReadError, match=r"JPEG Baseline.*at most 8 bits"):
        read_header(path, check_pixels=True)
