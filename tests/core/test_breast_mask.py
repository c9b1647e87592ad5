"""The automatic breast mask on film-like and digital arrays: threshold, opening, largest
component, empty images; the manual threshold keeps the seed's `image > threshold`."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from mammogan_core.preprocess.breast_mask import breast_mask
from mammogan_core.preprocess.mask_threshold import auto_threshold


def half_ellipse(rows: int = 512, cols: int = 512) -> np.ndarray:
    """bool: a breast on the left edge, nipple towards the right."""
    yy, xx = np.ogrid[:rows, :cols]
    return ((yy - rows / 2) / (0.42 * rows)) ** 2 + (xx / (0.7 * cols)) ** 2 < 1


def film(breast: np.ndarray, seed: int = 0) -> np.ndarray:
    """uint8 like a scanned film: background 25 with grain, tissue 70-200 darker at the skin."""
    rng = np.random.default_rng(seed)
    img = 25 + 4 * rng.standard_normal(breast.shape)
    tissue = 70 + 130 * rng.random(breast.shape) ** 2
    img[breast] = tissue[breast]
    return np.clip(img, 0, 255).astype(np.uint8)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def within(mask: np.ndarray, breast: np.ndarray, px: int = 2) -> bool:
    """`mask` inside `breast` up to the grid's sampling step (2 px on a 512 px image)."""
    return not (mask & ~ndimage.binary_dilation(breast, iterations=px)).any()


def test_film_background_and_a_separate_label_are_left_out() -> None:
    breast = half_ellipse()
    img = film(breast)
    img[20:60, 400:490] = 235  # a film label in the far corner, touching nothing
    img[30:50, 410:480:8] = 40  # its text
    mask = breast_mask(img).full()
    assert not mask[20:60, 400:490].any()
    assert within(mask, breast)
    assert iou(mask, breast) > 0.95
    # the old rule takes the noisy background for breast
    assert breast_mask(img, threshold=0).full().mean() > 0.95


def test_opening_cuts_a_label_and_a_strip_bridged_to_the_breast() -> None:
    breast = half_ellipse()
    img = film(breast, seed=1)
    img[:, 500:] = 220  # a scanner edge strip along the far side...
    img[254:258, 350:500] = 150  # ...touching the nipple through a 4 px bridge
    img[440:500, 330:420] = 240  # a label...
    img[400:440, 300:304] = 150  # ...hanging on the skin by a 4 px marker line
    mask = breast_mask(img).full()
    assert not mask[:, 500:].any() and not mask[440:500, 330:420].any()
    assert within(mask, breast) and iou(mask, breast) > 0.95
    # without the opening the bridges hold: the seed's rule keeps the strip with the breast
    assert breast_mask(img, threshold=60).full()[:, 500:].all()


def test_digital_mask_is_the_nonzero_mask_as_before() -> None:
    rows, cols = 600, 480
    breast = half_ellipse(rows, cols)
    yy, xx = np.ogrid[:rows, :cols]
    depth = 1 - np.sqrt(((yy - rows / 2) / (0.42 * rows)) ** 2 + (xx / (0.7 * cols)) ** 2)
    tissue = 20 + 3000 * np.clip(depth * 4, 0, 1)  # 12-bit, thin and dark (20) at the skin
    noise = np.random.default_rng(2).integers(0, 900, breast.shape)
    img = np.where(breast, tissue + noise * np.clip(depth * 4, 0, 1), 0).astype(np.uint16)
    auto, seed_rule = breast_mask(img).full(), breast_mask(img, threshold=0).full()
    assert not (auto & ~seed_rule).any()  # never more than the seed's mask
    assert iou(auto, seed_rule) > 0.97


@pytest.mark.parametrize(
    "img",
    [
        np.zeros((300, 300), np.uint16),
        np.full((300, 300), 7, np.uint8),
        np.clip(25 + 4 * np.random.default_rng(3).standard_normal((300, 300)), 0, 255).astype(
            np.uint8
        ),
        np.zeros((0, 0), np.uint8),
    ],
    ids=["zeros", "flat", "film grain only", "no pixels"],
)
def test_an_image_of_background_only_gives_an_empty_mask(img: np.ndarray) -> None:
    mask = breast_mask(img)
    assert not mask.grid.any() and mask.bounds() is None


def test_float_images_get_a_threshold_between_background_and_tissue() -> None:
    breast = half_ellipse(256, 256)
    img = np.where(breast, 0.3 + 0.6 * np.random.default_rng(4).random(breast.shape), 0.02)
    t = auto_threshold(img.astype(np.float32))
    assert t is not None and 0.02 < t <= 0.3
    assert iou(breast_mask(img).full(), breast) > 0.95


def test_threshold_sits_above_the_film_grain() -> None:
    img = film(half_ellipse())
    t = auto_threshold(img)
    assert t is not None and 25 + 2 * 4 <= t <= 70
