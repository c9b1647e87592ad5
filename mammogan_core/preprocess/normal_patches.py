"""Normal-tissue patch windows, as in the seed: random candidates (100 per round, at most 5
rounds), kept when wholly inside the breast mask and with zero overlap with any finding box.

Ours on top of the seed: candidates are drawn inside the mask's bounding box (far fewer wasted
rounds on a breast that fills half the detector), boxes can be dilated by a safety margin, and
accepted windows do not overlap each other (no near-duplicate normals).
"""

from __future__ import annotations

import numpy as np

from .breast_mask import BreastMask


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
    side: int = 128,
    per_round: int = 100,
    rounds: int = 5,
    margin: float = 0.0,
) -> np.ndarray:
    """Up to `count` windows (M x 4 int64: x0, y0, x1, y1) of `side` pixels.

    avoid: K x 4 finding boxes (source pixels) that no window may touch, dilated by `margin`.
    """
    out = np.zeros((0, 4), np.int64)
    bounds = mask.bounds()
    if count <= 0 or bounds is None:
        return out
    bx0, by0, bx1, by1 = bounds
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
        if len(avoid):
            ok &= ~overlaps(cand, avoid).any(axis=1)
        if len(out):
            ok &= ~overlaps(cand, out).any(axis=1)
        cand = cand[ok]
        clash = overlaps(cand, cand).tolist()
        chosen: list[int] = []
        for i in range(len(cand)):  # greedy, in draw order: deterministic for a given seed
            if not any(clash[i][j] for j in chosen):
                chosen.append(i)
                if len(out) + len(chosen) == count:
                    break
        out = np.vstack([out, cand[chosen]])
        if len(out) == count:
            break
    return out
