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


def test_a_halo_the_mask_takes_for_breast_is_refused_by_the_background_share() -> None:
    """A dark halo as wide as a patch beside the skin line, brighter than the background's
    grain: the mask takes it for breast; the background-share net keeps normal windows off it.
    Without the net (1.0) windows land in it (the planted effect that must be found)."""
    from mammogan_core.preprocess.normal_patches import normal_windows

    breast = half_ellipse(1024, 1024)
    img = film(breast).astype(np.float32)
    halo = ndimage.binary_dilation(breast, iterations=140) & ~breast
    img[halo] += 30  # 55 with grain: above the background's foot, far below the tissue
    img = np.clip(img, 0, 255).astype(np.uint8)
    mask = breast_mask(img)
    assert mask.full()[halo].mean() > 0.5  # the mask alone is fooled
    share = mask.below_share(np.array([[896, 0, 1024, 128], [200, 450, 328, 578]]))
    assert share[0] == 1.0 and share[1] < 0.05  # a background corner, the middle of the breast

    def in_halo(max_below: float) -> np.ndarray:
        rng = np.random.default_rng(0)
        windows = normal_windows(mask, np.zeros((0, 4)), 40, rng, max_below=max_below)
        return np.array([halo[y0:y1, x0:x1].mean() for x0, y0, x1, y1 in windows])

    without, with_net = in_halo(1.0), in_halo(0.05)
    assert (without > 0.25).sum() >= 3
    assert len(with_net) >= 10 and (with_net <= 0.25).all()


def test_the_manual_threshold_counts_what_it_leaves_out_as_background() -> None:
    img = np.zeros((512, 512), np.uint8)
    img[:, :256] = 100
    mask = breast_mask(img, threshold=0)
    assert mask.below_share(np.array([[0, 0, 128, 128], [192, 0, 320, 128]])).tolist() == [
        0.0,
        0.5,
    ]
