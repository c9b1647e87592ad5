"""Exact k-nearest neighbours by Euclidean distance, in blocks (torch matrix products on all
cores, memory bounded by the block size): precision/recall, memorisation and any later view
that needs a point's neighbours (e.g. the t-SNE map's hover) share it."""

from __future__ import annotations

import numpy as np
import torch

BLOCK = 1024  # query rows per block: 1024 x 50K distances are 200 MB


def knn(
    queries: np.ndarray, refs: np.ndarray, k: int = 1, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(distances, indices), each len(queries) x k, nearest first. `exclude[i]`: the index of
    query i among `refs` when the queries are drawn from them (a point is not its own
    neighbour)."""
    q = torch.from_numpy(np.ascontiguousarray(queries, np.float32))
    r = torch.from_numpy(np.ascontiguousarray(refs, np.float32))
    k_eff = min(k + int(exclude is not None), len(r))
    r_sq = (r * r).sum(1)
    dist_out, idx_out = [], []
    for start in range(0, len(q), BLOCK):
        block = q[start : start + BLOCK]
        d2 = (block * block).sum(1, keepdim=True) + r_sq - 2 * block @ r.T
        if exclude is not None:
            own = torch.from_numpy(np.asarray(exclude[start : start + BLOCK], np.int64))
            d2[torch.arange(len(block)), own] = float("inf")
        values, index = torch.topk(d2, k_eff, dim=1, largest=False)
        dist_out.append(values[:, :k].clamp_min(0).sqrt())
        idx_out.append(index[:, :k])
    return torch.cat(dist_out).numpy(), torch.cat(idx_out).numpy()


def within_any_ball(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """For each point: is it within radii[j] of some centres[j]?"""
    p = torch.from_numpy(np.ascontiguousarray(points, np.float32))
    c = torch.from_numpy(np.ascontiguousarray(centres, np.float32))
    r2 = torch.from_numpy(np.asarray(radii, np.float32)) ** 2
    c_sq = (c * c).sum(1)
    out = []
    for start in range(0, len(p), BLOCK):
        block = p[start : start + BLOCK]
        d2 = (block * block).sum(1, keepdim=True) + c_sq - 2 * block @ c.T
        out.append((d2 <= r2).any(1))
    return torch.cat(out).numpy() if out else np.zeros(0, bool)
