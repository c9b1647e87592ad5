"""Every figure between two sets of feature rows, at once for many resamples of those rows: the
bootstrap. Row 0 of the index matrices is the observed sets themselves (0..m-1), rows 1.. are
resamples with replacement; each statistic returns one value per row, so the figure and its
interval come from the same code.

The pair matrices (kernel, distances) are computed once per pair of sets and each resample only
reads them: a resample is a vector of counts (how often each row was drawn), and the pair sums
of KID and diversity are then matrix products over all resamples together. The nearest-
neighbour figures (precision/recall, the 1-NN two-sample test) take each resample's block of
the distance matrix, where copies of one row drawn twice are not each other's neighbours (a
resampled copy at distance 0 would otherwise make every ball and every 1-NN vote trivial).
"""

from __future__ import annotations

import numpy as np
import torch

from .precision_recall import K


def draws(m: int, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """(replicates + 1) x m row indices: the rows as they are, then `replicates` resamples."""
    return np.vstack([np.arange(m)[None], rng.integers(0, m, (replicates, m))])


def counts(index: np.ndarray) -> np.ndarray:
    """R x m float64: how often each of the m rows is drawn in each resample."""
    r, m = index.shape
    flat = (index + (np.arange(r) * m)[:, None]).ravel()
    return np.bincount(flat, minlength=r * m).reshape(r, m).astype(np.float64)


def _sq_dist(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    d2 = (xt * xt).sum(1, keepdim=True) + (yt * yt).sum(1) - 2 * xt @ yt.T
    return d2.clamp_min(0).numpy()


class PairStats:
    """The figures between sets X and Y (m x d feature rows each) for resamples ix, iy."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x = np.ascontiguousarray(x, np.float64)
        self.y = np.ascontiguousarray(y, np.float64)
        self._dist: dict[str, np.ndarray] = {}

    def dist(self, pair: str) -> np.ndarray:
        """Euclidean distances: 'xx', 'yy' or 'xy' (float32)."""
        if pair not in self._dist:
            a, b = (self.x if c == "x" else self.y for c in pair)
            d = np.sqrt(_sq_dist(a.astype(np.float32), b.astype(np.float32)))
            if pair[0] == pair[1]:
                np.fill_diagonal(d, 0.0)  # exactly, not float32's rounding of |x|² - 2x·x + |x|²
            self._dist[pair] = d
        return self._dist[pair]

    def figures(self, stats: set[str], ix: np.ndarray, iy: np.ndarray, device: str) -> dict:
        """{stat: one value per resample} for the statistics asked for."""
        out: dict[str, np.ndarray] = {}
        if "kid" in stats:
            out["kid"] = self.kid(ix, iy)
        if "diversity" in stats:
            out["diversity"] = self.diversity(ix, iy)
        if stats & {"precision", "recall", "nn_accuracy"}:
            out.update(self.neighbours(ix, iy))
        if "fd" in stats:
            rows = fd_resamples(len(ix) - 1, ix.shape[1], self.x.shape[1], device) + 1
            out["fd"] = self.fd(ix[:rows], iy[:rows], device)
        return out

    # ------------------------------------------------------------------ pair sums
    def kid(self, ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
        """The unbiased squared MMD with the cubic polynomial kernel (Bińkowski et al. 2018).
        Within a set, pairs of two draws of one row are left out (their kernel value is a
        point's with itself), so each resample's estimate stays unbiased."""
        d, m = self.x.shape[1], ix.shape[1]
        wx, wy = counts(ix), counts(iy)

        def within(a: np.ndarray, w: np.ndarray) -> np.ndarray:
            k = (a @ a.T / d + 1.0) ** 3
            return (((w @ k) * w).sum(1) - (w * w) @ np.diag(k)) / _pairs(w)

        kxy = (self.x @ self.y.T / d + 1.0) ** 3
        return within(self.x, wx) + within(self.y, wy) - 2 * ((wx @ kxy) * wy).sum(1) / m**2

    def diversity(self, ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
        """Mean distance between two draws of distinct rows of Y over the same of X (synthetic /
        real)."""

        def mean_pair(d: np.ndarray, w: np.ndarray) -> np.ndarray:
            return ((w @ d.astype(np.float64)) * w).sum(1) / _pairs(w)

        real = mean_pair(self.dist("xx"), counts(ix))
        return mean_pair(self.dist("yy"), counts(iy)) / np.maximum(real, 1e-12)

    # ------------------------------------------------------------------ neighbours
    def neighbours(self, ix: np.ndarray, iy: np.ndarray) -> dict[str, np.ndarray]:
        """Per resample: improved precision and recall (Kynkäänniemi et al. 2019, k = 3) and
        the 1-NN two-sample test (Lopez-Paz & Oquab 2017: each of the 2m points is given the
        set of its nearest neighbour among the others, leave-one-out; the share of right
        answers, 0.5 for indistinguishable sets, 1.0 for separable ones). Draws of one row
        are not each other's neighbours; a row drawn twice counts twice as a neighbour and as
        a point. Each row's nearest rows are sorted once; a resample only weighs them."""
        m = ix.shape[1]
        near_xx, near_yy = _sorted_neighbours(self.dist("xx")), _sorted_neighbours(self.dist("yy"))
        dxy = torch.from_numpy(self.dist("xy"))[None]  # 1 x m x m
        wx_all, wy_all = torch.from_numpy(counts(ix)), torch.from_numpy(counts(iy))
        parts: dict[str, list[torch.Tensor]] = {"precision": [], "recall": [], "nn_accuracy": []}
        for rows in _batches(len(ix), m * m):
            wx, wy = wx_all[rows], wy_all[rows]
            first_x, kth_x = _weighted_near(near_xx, wx)
            first_y, kth_y = _weighted_near(near_yy, wy)
            drawn_x, drawn_y = (wx > 0)[:, :, None], (wy > 0)[:, None, :]
            inside_x = ((dxy <= kth_x[:, :, None]) & drawn_x).any(1)  # synthetic rows in a ball
            inside_y = ((dxy <= kth_y[:, None, :]) & drawn_y).any(2)
            parts["precision"].append((inside_x * wy).sum(1) / m)
            parts["recall"].append((inside_y * wx).sum(1) / m)
            cross_x = torch.where(drawn_y, dxy, torch.inf).min(2).values
            cross_y = torch.where(drawn_x, dxy, torch.inf).min(1).values
            right = (wx * (first_x < cross_x)).sum(1) + (wy * (first_y < cross_y)).sum(1)
            parts["nn_accuracy"].append(right / (2 * m))
        return {k: torch.cat(v).numpy() for k, v in parts.items()}

    # ------------------------------------------------------------------ Fréchet
    def fd(self, ix: np.ndarray, iy: np.ndarray, device: torch.device | str = "cpu") -> np.ndarray:
        """The Fréchet distance of Gaussians fitted to each resample (frechet.py's value for
        row 0), each covariance normalised by its pairs of distinct rows (m - 1 for row 0),
        float64 on `device`, resamples in batches."""
        x = torch.from_numpy(self.x).to(device)
        y = torch.from_numpy(self.y).to(device)
        nx = torch.from_numpy(_pairs(counts(ix)) / ix.shape[1]).to(device)
        ny = torch.from_numpy(_pairs(counts(iy)) / iy.shape[1]).to(device)
        m, d = ix.shape[1], x.shape[1]
        tx, ty = torch.from_numpy(ix).to(device), torch.from_numpy(iy).to(device)
        out = [
            _frechet(x[tx[rows]], y[ty[rows]], nx[rows], ny[rows]).cpu()
            for rows in _batches(len(ix), m * max(m, d) + min(m, d) ** 2)
        ]
        return torch.cat(out).numpy()


FD_CPU_RESAMPLES = 20  # Fréchet resamples on a CPU when a resample is a large eigenproblem
FD_CPU_LARGE = 512  # min(set size, dimension) from which it is


def fd_resamples(replicates: int, m: int, d: int, device: torch.device | str) -> int:
    """Resamples of a Fréchet distance: every one asked for on an accelerator or for a small
    problem; on a CPU, FID's 2000 x 2048 problem takes seconds per resample, so fewer."""
    if str(device) != "cpu" or min(m, d) < FD_CPU_LARGE:
        return replicates
    return min(replicates, FD_CPU_RESAMPLES)


_BUDGET = 1 << 23  # elements of one batch's largest tensor (64 MB of float64)


def _batches(n: int, per_row: int) -> list[slice]:
    """The resamples in batches whose tensors stay within _BUDGET elements."""
    step = max(1, _BUDGET // max(per_row, 1))
    return [slice(start, start + step) for start in range(0, n, step)]


def _pairs(w: np.ndarray) -> np.ndarray:
    """Ordered pairs of draws of distinct rows in each resample (m(m - 1) for row 0)."""
    return w.sum(1) ** 2 - (w * w).sum(1)


NEIGHBOURS_KEPT = 32  # sorted neighbours per row: enough for k = 3 among resampled draws


def _sorted_neighbours(d: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Each row's nearest other rows, nearest first: (distances, indices), m x L."""
    t = torch.from_numpy(d).clone()
    t.fill_diagonal_(torch.inf)
    keep = min(NEIGHBOURS_KEPT, len(t) - 1)
    values, index = torch.topk(t, keep, dim=1, largest=False)
    return values, index


def _weighted_near(
    near: tuple[torch.Tensor, torch.Tensor], w: torch.Tensor, k: int = K
) -> tuple[torch.Tensor, torch.Tensor]:
    """c x m: each row's nearest and k-th nearest distance among the other rows' draws (w: c x m
    counts); the farthest kept one when fewer than k draws are among the kept neighbours."""
    dist, index = near
    cum = w[:, index].cumsum(2)  # c x m x L: draws within each kept neighbour's distance
    last = dist.shape[1] - 1
    first = torch.where(cum[..., -1] >= 1, (cum >= 1).double().argmax(2), last)
    kth = torch.where(cum[..., -1] >= k, (cum >= k).double().argmax(2), last)
    spread = dist.expand(len(w), -1, -1)
    return spread.gather(2, first[..., None])[..., 0], spread.gather(2, kth[..., None])[..., 0]


def _frechet(a: torch.Tensor, b: torch.Tensor, na: torch.Tensor, nb: torch.Tensor) -> torch.Tensor:
    """c Fréchet distances of the batches a, b (c x m x d). tr((S1 S2)^½) is the sum of the
    singular values of Xc Ycᵀ / √(na nb) when a set is no larger than the dimension (a
    low-rank covariance), of S1^½ S2 S1^½'s eigenvalues' roots otherwise: the smaller problem
    either way. na, nb: the covariances' normalisers."""
    ac, bc = a - a.mean(1, keepdim=True), b - b.mean(1, keepdim=True)
    diff = a.mean(1) - b.mean(1)
    traces = (ac * ac).sum((1, 2)) / na + (bc * bc).sum((1, 2)) / nb
    if min(a.shape[1], b.shape[1]) <= a.shape[2]:
        cross = ac @ bc.transpose(1, 2) / (na * nb).sqrt()[:, None, None]
        root = torch.linalg.svdvals(cross).sum(1)
    else:
        sa = ac.transpose(1, 2) @ ac / na[:, None, None]
        sb = bc.transpose(1, 2) @ bc / nb[:, None, None]
        values, vectors = torch.linalg.eigh(sa)
        half = (vectors * values.clamp_min(0).sqrt()[:, None, :]) @ vectors.transpose(1, 2)
        middle = half @ sb @ half
        middle = (middle + middle.transpose(1, 2)) / 2
        root = torch.linalg.eigvalsh(middle).clamp_min(0).sqrt().sum(1)
    return ((diff * diff).sum(1) + traces - 2 * root).clamp_min(0)
