"""Memorisation: is a synthetic patch a copy of a training patch?

For every synthetic patch, its nearest real training patch over the four flips the trainer may
have shown G, in pixels (RMS difference in grey levels) and in a feature space; the same
nearest distances among real patches (a sample, each real's own flips excluded) say what "close"
means for this data. A synthetic patch is a suspected copy when it is nearer to a real patch than
half the 5th percentile of the real-to-real distances in either space, or within 2 grey levels
RMS of one (near-identical, whatever the data).

Pixels: candidates from 16 x 16 block means (64x fewer numbers), then the exact RMS over the
candidates, so 10K synthetic against 50K real patches stays within minutes on 2 CPU cores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .features import flips
from .nearest import knn

FACTOR = 0.5
PERCENTILE = 5
COPY_RMS = 2.0  # grey levels: near-identical, as in training's collapse check
CANDIDATES = 8
RERANK_BLOCK = 128  # queries whose candidates are compared at once (64 MB of pixels)
COARSE = 8  # block size of the candidate search
REAL_SAMPLE = 2000  # real patches whose nearest real neighbour sets the scale


@dataclass
class Nearest:
    """Per query: the distance to its nearest reference, the reference's index and the flip of
    the query that came nearest."""

    distance: np.ndarray
    index: np.ndarray
    flip: list[str]


@dataclass
class Memorisation:
    pixels: Nearest  # synthetic -> real, RMS grey levels
    features: Nearest  # synthetic -> real, feature distance
    real_pixels: np.ndarray  # real -> other real (a sample)
    real_features: np.ndarray
    pixel_threshold: float
    feature_threshold: float
    suspects: list[dict] = field(default_factory=list)  # index, real_index, flip, distances, by


def _coarse(images: np.ndarray) -> np.ndarray:
    n, h, w = images.shape
    blocks = images.reshape(n, h // COARSE, COARSE, w // COARSE, COARSE).astype(np.float32)
    return blocks.mean(axis=(2, 4)).reshape(n, -1)


def nearest_in_pixels(
    queries: np.ndarray, refs: np.ndarray, exclude: np.ndarray | None = None
) -> Nearest:
    """Nearest reference by RMS grey-level difference, over the queries' four flips."""
    coarse_refs = _coarse(refs)
    best = np.full(len(queries), np.inf)
    index = np.zeros(len(queries), np.int64)
    flip = ["none"] * len(queries)
    for name, variant in flips(queries).items():
        _, cand = knn(_coarse(np.ascontiguousarray(variant)), coarse_refs, CANDIDATES, exclude)
        for start in range(0, len(queries), RERANK_BLOCK):
            rows = slice(start, start + RERANK_BLOCK)
            q = torch.from_numpy(np.ascontiguousarray(variant[rows])).float().unsqueeze(1)
            r = torch.from_numpy(refs[cand[rows]]).float()  # block x CANDIDATES x H x W
            rms = (r - q).square_().mean(dim=(2, 3)).sqrt_().numpy()
            j = rms.argmin(axis=1)
            found = rms[np.arange(len(j)), j]
            for offset in np.flatnonzero(found < best[rows]):
                i = start + offset
                best[i], index[i], flip[i] = found[offset], cand[i, j[offset]], name
    return Nearest(best, index, flip)


def nearest_in_features(
    query_flips: dict[str, np.ndarray], refs: np.ndarray, exclude: np.ndarray | None = None
) -> Nearest:
    """Nearest reference feature vector over the queries' flipped versions' features."""
    names = list(query_flips)
    found = [knn(query_flips[name], refs, 1, exclude) for name in names]
    dist = np.stack([d[:, 0] for d, _ in found])
    which = dist.argmin(axis=0)
    cols = np.arange(dist.shape[1])
    index = np.stack([i[:, 0] for _, i in found])[which, cols]
    return Nearest(dist[which, cols], index, [names[w] for w in which])


def real_sample(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, min(n, REAL_SAMPLE), replace=False))


def threshold(real_to_real: np.ndarray, floor: float = 0.0) -> float:
    scale = float(np.percentile(real_to_real, PERCENTILE)) if len(real_to_real) else 0.0
    return max(FACTOR * scale, floor)


def check_memorisation(
    real: np.ndarray,
    fake: np.ndarray,
    real_features: np.ndarray,
    fake_feature_flips: dict[str, np.ndarray],
    real_feature_flips: dict[str, np.ndarray],
    sample: np.ndarray,
) -> Memorisation:
    """`real_feature_flips`: the features of the flipped `real[sample]` patches."""
    pixels = nearest_in_pixels(fake, real)
    feats = nearest_in_features(fake_feature_flips, real_features)
    real_pixels = nearest_in_pixels(real[sample], real, exclude=sample).distance
    real_feats = nearest_in_features(real_feature_flips, real_features, exclude=sample).distance
    px_t, ft_t = threshold(real_pixels, COPY_RMS), threshold(real_feats)
    suspects = []
    for i in range(len(fake)):
        by = [
            name
            for name, hit in (
                ("pixels", pixels.distance[i] < px_t),
                ("features", feats.distance[i] < ft_t),
            )
            if hit
        ]
        if by:
            use_pixels = "pixels" in by
            suspects.append(
                {
                    "index": i,
                    "real_index": int(pixels.index[i] if use_pixels else feats.index[i]),
                    "flip": pixels.flip[i] if use_pixels else feats.flip[i],
                    "pixel_rms": round(float(pixels.distance[i]), 3),
                    "feature_distance": round(float(feats.distance[i]), 4),
                    "by": by,
                }
            )
    return Memorisation(pixels, feats, real_pixels, real_feats, px_t, ft_t, suspects)
