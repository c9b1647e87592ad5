"""Files written by other encoders (GDCM, DCMTK, CharLS...) that pydicom ships as test data:
our reader must decode each compressed transfer syntax to the same pixels as the original."""

from __future__ import annotations

import numpy as np
import pytest
from pydicom.data import get_testdata_file

from mammogan_core.io import ImageReadError, read_header, read_image

LOSSLESS_COPIES_OF_MR_SMALL = [
    "MR_small_jp2klossless.dcm",  # JPEG 2000 lossless
    "MR_small_jpeg_ls_lossless.dcm",  # JPEG-LS lossless (we cannot encode it here)
    "MR_small_RLE.dcm",  # RLE
    "MR_small_bigendian.dcm",  # explicit VR big endian
    "MR_small_implicit.dcm",  # implicit VR little endian
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return read_image(get_testdata_file("MR_small.dcm")).pixels


@pytest.mark.parametrize("name", LOSSLESS_COPIES_OF_MR_SMALL)
def test_lossless_syntaxes_decode_to_the_original(name, reference):
    image = read_image(get_testdata_file(name))
    np.testing.assert_array_equal(image.pixels, reference)
    assert read_header(get_testdata_file(name)).rows == reference.shape[0]


@pytest.mark.parametrize("name", ["JPEGLSNearLossless_16.dcm", "JPGExtended.dcm", "693_J2KI.dcm"])
def test_lossy_syntaxes_decode_to_a_grey_image(name):
    image = read_image(get_testdata_file(name))
    assert image.pixels.ndim == 2 and image.pixels.size > 0
    assert float(image.pixels.std()) > 0


def test_an_undecodable_stream_is_a_per_file_error_naming_the_syntax():
    # a real-world JPEG whose markers the available decoders reject
    path = get_testdata_file("JPEG-lossy.dcm")
    with pytest.raises(ImageReadError) as info:
        read_image(path)
    assert "JPEG-lossy.dcm" in str(info.value) and "JPEG" in info.value.reason


def test_a_truncated_file_is_a_clear_error():
    path = get_testdata_file("MR_truncated.dcm")
    with pytest.raises(ImageReadError) as info:
        read_image(path)
    assert "MR_truncated.dcm" in str(info.value)
