"""Preprocessing units: normalisation, breast mask, lesion / normal windows, clean-up, crops."""

from __future__ import annotations

import numpy as np
import pytest

from mammogan_core.errors import MammoganError
from mammogan_core.preprocess.breast_mask import breast_mask
from mammogan_core.preprocess.cleanup import grey_levels, keep_mask
from mammogan_core.preprocess.crop import cut_patch
from mammogan_core.preprocess.lesion_patches import LesionWindowOptions, lesion_window, too_large
from mammogan_core.preprocess.normal_patches import normal_windows
from mammogan_core.preprocess.normalise import Intensity, fit_intensity, unit_to_uint8


def breast(rows: int = 400, cols: int = 300, seed: int = 0) -> np.ndarray:
    """uint16: a textured half-ellipse at the left edge, 0 outside."""
    rng = np.random.default_rng(seed)
    yy, xx = np.ogrid[:rows, :cols]
    inside = ((yy - rows / 2) / (0.45 * rows)) ** 2 + (xx / (0.8 * cols)) ** 2 < 1
    return np.where(inside, rng.integers(1000, 2000, (rows, cols)), 0).astype(np.uint16)


def add_disk(img: np.ndarray, cx: float, cy: float, r: float, value: int = 3500) -> None:
    yy, xx = np.ogrid[: img.shape[0], : img.shape[1]]
    img[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = value


def bright_centroid(patch: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(patch > 200)
    return float(xs.mean()), float(ys.mean())


# ------------------------------------------------------------------ normalisation
def test_minmax_maps_the_image_range_to_0_255() -> None:
    img = breast()
    img[5, 290] = 4000  # a hot pixel outside the breast still counts (the seed's rule)
    it = fit_intensity(img, "minmax", mask=breast_mask(img))
    assert (it.lo, it.hi) == (0.0, 4000.0)
    u8 = unit_to_uint8(it.unit(img))
    assert u8.dtype == np.uint8 and u8.min() == 0 and u8.max() == 255
    assert u8[5, 290] == 255


def test_minmax_minimum_is_exact_without_background() -> None:
    img = np.random.default_rng(1).integers(7, 900, (64, 64)).astype(np.uint16)
    img[33, 33] = 3  # not on the sampled grid
    assert fit_intensity(img, "minmax", mask=breast_mask(img, grid_side=8)).lo == 3.0


def test_percentile_ignores_background_and_markers() -> None:
    img = breast()
    img[:10, -20:] = 4095  # a burnt-in marker outside the breast
    it = fit_intensity(img, "percentile", mask=breast_mask(img), percentiles=(0.5, 99.5))
    assert 1000 <= it.lo < 1050 and 1950 < it.hi <= 2000


def test_window_preset_uses_the_dicom_window() -> None:
    img = breast()
    it = fit_intensity(img, "window", window=(1500.5, 1001.0, None))
    assert (it.lo, it.hi) == (1000.0, 2000.0)  # LINEAR: c - 0.5 -/+ (w - 1) / 2
    unit = it.unit(np.array([999, 1500, 2001], np.uint16))
    assert unit[0] == 0.0 and unit[2] == 1.0 and abs(unit[1] - 0.5) < 1e-3
    sig = fit_intensity(img, "window", window=(1500.0, 1000.0, "SIGMOID"))
    assert sig.sigmoid and abs(sig.unit(np.array([1500.0]))[0] - 0.5) < 1e-6
    with pytest.raises(MammoganError, match="VOI window"):
        fit_intensity(img, "window", window=(None, None, None))


# ------------------------------------------------------------------ breast mask
def test_mask_keeps_largest_component_and_fills_holes() -> None:
    img = breast()
    img[180:220, 60:100] = 0  # a hole inside the breast
    img[5:15, 270:290] = 4000  # a marker, separate from the breast
    full = breast_mask(img, grid_side=100).full()
    assert full.shape == img.shape
    assert full[200, 80]  # hole filled
    assert not full[10, 280]  # marker dropped
    assert full[200, 20] and not full[5, 200]


def test_mask_threshold_is_configurable() -> None:
    img = breast()
    img[img > 0] = 50
    img[150:250, :100] = 500
    assert breast_mask(img).grid.mean() > breast_mask(img, threshold=100).grid.mean() > 0


def test_contains_tests_whole_windows_against_the_mask() -> None:
    mask = breast_mask(breast(), grid_side=100)
    windows = np.array([[10, 150, 74, 214], [250, 150, 314, 214], [-5, 150, 59, 214]])
    assert mask.contains(windows).tolist() == [True, False, False]


# ------------------------------------------------------------------ lesion windows
def test_lesion_patch_is_centred_on_the_lesion() -> None:
    img = breast()
    add_disk(img, 90, 210, 20)
    window = lesion_window((70, 190, 110, 230), LesionWindowOptions(margin=0.5))
    u8, u16 = cut_patch(img, window, Intensity(0, 4000), 128)
    assert u8.shape == (128, 128) and u16 is None
    cx, cy = bright_centroid(u8)
    assert abs(cx - 63.5) < 2 and abs(cy - 63.5) < 2


@pytest.mark.parametrize("pad", ["constant", "reflect"])
def test_border_lesion_is_padded_and_stays_centred(pad: str) -> None:
    img = breast()
    add_disk(img, 14, 200, 12)
    window = lesion_window((2, 188, 26, 212), LesionWindowOptions(margin=1.0))
    assert window[0] < 0  # the window extends past the left border
    u8, _ = cut_patch(img, window, Intensity(0, 4000), 128, pad=pad)
    cx, cy = bright_centroid(u8)
    assert abs(cy - 63.5) < 2
    outside = u8[:, :20]  # the padded columns
    assert (outside.max() == 0) == (pad == "constant")
    if pad == "constant":
        assert abs(cx - 63.5) < 2


def test_square_keeps_aspect_ratio_and_stretch_does_not() -> None:
    img = breast()
    yy, xx = np.ogrid[: img.shape[0], : img.shape[1]]
    img[((xx - 100) / 40.0) ** 2 + ((yy - 200) / 20.0) ** 2 <= 1] = 3500  # 80 x 40 ellipse
    box = (60, 180, 140, 220)
    square = lesion_window(box, LesionWindowOptions(shape="square"))
    stretch = lesion_window(box, LesionWindowOptions(shape="stretch"))
    assert square == (60, 160, 140, 240) and stretch == box

    def aspect(window: tuple[int, int, int, int]) -> float:
        ys, xs = np.nonzero(cut_patch(img, window, Intensity(0, 4000), 128)[0] > 200)
        return (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)

    assert abs(aspect(square) - 2.0) < 0.2 and abs(aspect(stretch) - 1.0) < 0.2


def test_fixed_scale_covers_a_fixed_physical_size() -> None:
    opts = LesionWindowOptions(scale="fixed", mm_per_px=0.2)
    for box in [(100, 100, 110, 110), (50, 50, 400, 300)]:
        x0, y0, x1, y1 = lesion_window(box, opts, spacing_mm=0.1)
        assert x1 - x0 == y1 - y0 == 256  # 128 px x 0.2 mm = 25.6 mm = 256 px at 0.1 mm
        assert ((x0 + x1) / 2, (y0 + y1) / 2) == ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    with pytest.raises(MammoganError, match="pixel spacing"):
        lesion_window((0, 0, 10, 10), opts, spacing_mm=None)


def test_large_lesions_are_skipped_as_in_the_seed() -> None:
    assert too_large((0, 0, 751, 10), 750) and too_large((0, 0, 10, 800), 750)
    assert not too_large((0, 0, 750, 750), 750)
    assert not too_large((0, 0, 5000, 5000), 0)


# ------------------------------------------------------------------ normal windows
def test_normal_windows_inside_mask_avoid_boxes_and_each_other() -> None:
    img = breast(800, 600)
    mask = breast_mask(img)
    boxes = np.array([[100.0, 300, 200, 400], [150, 450, 250, 560]])
    windows = normal_windows(mask, boxes, 10, np.random.default_rng(3), margin=10)
    assert 3 <= len(windows) <= 10
    full = mask.full()
    for x0, y0, x1, y1 in windows:
        assert (x1 - x0, y1 - y0) == (128, 128)
        assert full[y0:y1, x0:x1].all() and (img[y0:y1, x0:x1] > 0).all()
        for bx0, by0, bx1, by1 in boxes:
            assert x1 <= bx0 - 10 or x0 >= bx1 + 10 or y1 <= by0 - 10 or y0 >= by1 + 10
    for i, a in enumerate(windows):
        for b in windows[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_normal_windows_are_deterministic_with_the_seed() -> None:
    mask = breast_mask(breast(800, 600))
    none = np.zeros((0, 4))
    a = normal_windows(mask, none, 10, np.random.default_rng(5))
    b = normal_windows(mask, none, 10, np.random.default_rng(5))
    c = normal_windows(mask, none, 10, np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_no_normal_windows_in_an_empty_or_small_mask() -> None:
    assert (
        len(
            normal_windows(
                breast_mask(np.zeros((300, 300), np.uint16)),
                np.zeros((0, 4)),
                10,
                np.random.default_rng(0),
            )
        )
        == 0
    )
    assert (
        len(
            normal_windows(
                breast_mask(breast(100, 100)), np.zeros((0, 4)), 10, np.random.default_rng(0)
            )
        )
        == 0
    )


# ------------------------------------------------------------------ clean-up
def test_cleanup_drops_patches_with_few_grey_levels() -> None:
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 256, (5, 128, 128)).astype(np.uint8)
    patches[1] = 0  # flat padding
    patches[2] = np.arange(128 * 128).reshape(128, 128) % 29  # 29 levels
    patches[3] = np.arange(128 * 128).reshape(128, 128) % 30  # 30 levels
    assert grey_levels(patches).tolist() == [256, 1, 29, 30, 256]
    assert keep_mask(patches).tolist() == [True, False, False, True, True]
    assert keep_mask(patches[:0]).tolist() == []
