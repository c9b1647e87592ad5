"""Normal-tissue patch windows, as in the seed: random candidates (100 per round, at most 5
rounds), kept when wholly inside the breast mask and with zero overlap with any finding box.

Ours on top of the seed, each an option: windows with more than a set share of their pixels
below the image's background level are refused whatever the mask says (film halos, grain and
label ink the mask took for breast); candidates are drawn inside the mask's bounding box
(`draw="bounds"`: far fewer wasted rounds on a breast that fills half the detector; the seed
draws over the whole image, `draw="image"`), boxes can be dilated by a safety margin, and
accepted windows do not overlap each other (`overlap=False`: no near-duplicate normals).
"""

from __future__ import annotations

import numpy as np

from ..workspace import PATCH_SIZE
from .breast_mask import BreastMask

DRAWS = ("bounds", "image")


def overlaps(windows: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """(N, K) bool: window i (half-open, pixels) intersects box k (x0, y0, x1, y1)."""
    w = windows[:, None, :]
    b = boxes[None, :, :]
    return (
        (w[..., 0] < b[..., 2])
        & (w[..., 2] > b[..., 0])
        & (w[..., 1] < b[..., 3])
        & (w[..., 3] > b[..., 1])
    )


def normal_windows(
    mask: BreastMask,
    avoid: np.ndarray,
    count: int,
    rng: np.random.Generator,
    side: int = PATCH_SIZE,
    per_round: int = 100,
    rounds: int = 5,
    margin: float = 0.0,
    overlap: bool = False,
    draw: str = "bounds",
    max_below: float = 1.0,
) -> np.ndarray:
    """Up to `count` windows (M x 4 int64: x0, y0, x1, y1) of `side` pixels.

    avoid: K x 4 finding boxes (source pixels) that no window may touch, dilated by `margin`.
    overlap: accepted windows may overlap each other (the seed's).
    draw: candidates inside the mask's bounding box ("bounds") or the whole image ("image").
    max_below: the largest share of a window's pixels below the image's background level (a
    net under the mask: a halo, grain or label the mask took for breast; 1: none).
    """
    out = np.zeros((0, 4), np.int64)
    bounds = mask.bounds()
    if count <= 0 or bounds is None:
        return out
    bx0, by0, bx1, by1 = bounds if draw == "bounds" else (0, 0, mask.shape[1], mask.shape[0])
    if bx1 - bx0 < side or by1 - by0 < side:
        return out
    avoid = np.asarray(avoid, np.float64).reshape(-1, 4) + np.array(
        [-margin, -margin, margin, margin]
    )
    for _ in range(rounds):
        xs = rng.integers(bx0, bx1 - side + 1, per_round)
        ys = rng.integers(by0, by1 - side + 1, per_round)
        cand = np.stack([xs, ys, xs + side, ys + side], axis=1)
        ok = mask.contains(cand)
        if max_below < 1:
            ok &= mask.below_share(cand) <= max_below
        if len(avoid):
            ok &= ~overlaps(cand, avoid).any(axis=1)
        if len(out) and not overlap:
            ok &= ~overlaps(cand, out).any(axis=1)
        cand = cand[ok]
        if not overlap:
            cand = cand[_disjoint(cand, count - len(out))]
        out = np.vstack([out, cand[: count - len(out)]])
        if len(out) == count:
            break
    return out


def _disjoint(cand: np.ndarray, limit: int) -> list[int]:
    """Up to `limit` windows that do not overlap each other, greedily in draw order
    (deterministic for a given seed)."""
    clash = overlaps(cand, cand).tolist()
    chosen: list[int] = []
    for i in range(len(cand)):
        if not any(clash[i][j] for j in chosen):
            chosen.append(i)
            if len(chosen) == limit:
                break
    return chosen
