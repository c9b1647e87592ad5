"""The t-SNE map on plain feature arrays: a first map of a sample of the real points, the other
real points placed into it, then the points to add (synthetic lesions) placed the same way, so
that no point of the first map moves once it is drawn.

Optimising every point together costs minutes per 100K points on two cores (openTSNE: about
6 min per 100K on one core); placing points into a finished map costs a few seconds per 10K
(PERFORMANCE.md). So the first map holds what a person needs to see at once (every lesion and
an even sample of normal tissue) and the rest follows by openTSNE's `prepare_partial` +
`optimize`, the steps of its `transform`, in chunks that report progress and frames.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..control import Control
from ..events import EmbeddingFrame, Event, Progress
from .tsne_options import JOINT, TsneOptions

if TYPE_CHECKING:
    from sklearn.decomposition import PCA

PCA_DIMS = 50
EARLY_EXAGGERATION = 12.0  # openTSNE's and van der Maaten's default
# openTSNE's `transform` settings for points added to a finished map: a low learning rate and
# clipped gradients keep a new point near its neighbours instead of shooting off.
PLACE = {"learning_rate": 0.1, "exaggeration": 1.5, "momentum": 0.8, "max_grad_norm": 0.25}
PLACE_PERPLEXITY = 5.0
PLACE_K = 25  # neighbours whose median position starts a placed point
PROJECT_ROWS = 8192  # 128 MB of patches


@dataclass
class Embedding:
    coords: np.ndarray  # (real + added) x 2 float32, real points first
    first: np.ndarray  # indices of the real points optimised in the first map
    first_map_s: float  # from the call to the first map's last iteration
    full_map_s: float  # from the call to the last placed point
    timings: dict[str, float] = field(default_factory=dict)


def even_sample(groups: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of `n` items taken in turns from each group (a random member of every
    group before a second of any): rare lesion types and every image reach the first map."""
    if n >= len(groups):
        return np.arange(len(groups))
    perm = rng.permutation(len(groups))
    _, inverse, counts = np.unique(groups[perm], return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")
    rank = np.empty(len(perm))
    rank[order] = np.arange(len(perm)) - np.repeat(np.cumsum(counts) - counts, counts)
    key = rank + rng.random(len(perm))  # random order among the groups within a turn
    return np.sort(perm[np.argsort(key, kind="stable")[:n]])


def first_map_points(
    is_lesion: np.ndarray,
    lesion_group: np.ndarray,
    normal_group: np.ndarray,
    options: TsneOptions,
) -> np.ndarray:
    """Indices of the real points in the first map: lesions evenly over `lesion_group` (their
    types), normal tissue evenly over `normal_group` (their images), each up to its cap."""
    rng = np.random.default_rng(options.seed)
    lesions, normals = np.flatnonzero(is_lesion), np.flatnonzero(~is_lesion)
    chosen = [
        lesions[even_sample(lesion_group[lesions], options.first_map_lesions, rng)],
        normals[even_sample(normal_group[normals], options.first_map_normals, rng)],
    ]
    return np.sort(np.concatenate(chosen))


def _project(
    pca: PCA, features: Any, rows: np.ndarray, control: Control
) -> Generator[Event, None, np.ndarray]:
    """`pca` of `features[rows]`, PROJECT_ROWS at a time (read, if `features` reads, and
    never all of those rows' full features at once)."""
    parts = []
    for start in range(0, len(rows), PROJECT_ROWS):
        control.check()
        parts.append(pca.transform(features[rows[start : start + PROJECT_ROWS]]))
        done = min(start + PROJECT_ROWS, len(rows))
        yield Progress(done, len(rows), "t-SNE: reading the points to place", "points")
    return np.concatenate(parts).astype(np.float32)


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def embed(
    real: Any,
    first: np.ndarray,
    added: np.ndarray,
    options: TsneOptions,
    control: Control | None = None,
) -> Generator[Event, None, Embedding]:
    """`real`: the N real points' features, an N x D array or anything with `len()` that gives
    rows as `real[indices]` (the workspace's patches, read when needed: the first map needs
    only its own); `first`: the indices of `real` optimised together in the first map;
    `added`: M x D features placed into the map after the real ones. Yields Progress and
    EmbeddingFrame after every `options.chunk` iterations; honours `control`'s pause and stop
    between chunks. Returns the (N + M) x 2 map, real points first.

    With the joint placement (options.placement, the default) `added` are optimised in the
    first map together with the real points of `first` (the seed's map): points unlike every
    real one stay apart instead of being placed beside their nearest real ones."""
    from openTSNE import TSNE
    from openTSNE.affinity import PerplexityBasedNN
    from sklearn.decomposition import PCA

    control = control or Control()
    t0 = time.perf_counter()
    if options.placement == JOINT and len(added):
        real = Joined(real, np.asarray(added, np.float32))
        first = np.concatenate([np.asarray(first, np.int64), real.n + np.arange(len(added))])
        added = np.zeros((0, real.second.shape[1]), np.float32)
    n_real, first = len(real), np.asarray(first, dtype=np.int64)
    if len(first) < 2:
        raise ValueError("the first map needs at least 2 points")
    rest = np.setdiff1d(np.arange(n_real), first)
    coords = np.full((n_real + len(added), 2), np.nan, np.float32)
    threads = options.threads or -1
    total = options.early_iter + options.n_iter
    total += options.place_iter * (bool(len(rest)) + bool(len(added)))
    done = 0
    timings: dict[str, float] = {}

    def step(stage: str, iterations: int) -> Iterator[Event]:
        nonlocal done
        done += iterations
        yield Progress(done, total, f"t-SNE: {_STAGE_WORDS[stage]}", "iterations")
        yield EmbeddingFrame(coords.copy(), done, stage)

    # PCA fitted on the first map's points (a sample of all), then applied to the others
    x_first = real[first]
    pca = PCA(min(PCA_DIMS, *x_first.shape), random_state=options.seed)
    x_first = pca.fit_transform(x_first).astype(np.float32)
    timings["pca_s"] = time.perf_counter() - t0
    # openTSNE asks for perplexity < N / 3 (it warns and lowers it otherwise)
    perplexity = min(options.perplexity, (len(first) - 1) / 3)
    affinities = PerplexityBasedNN(
        x_first, perplexity, n_jobs=threads, random_state=options.seed, verbose=False
    )
    timings["affinities_s"] = time.perf_counter() - t0 - timings["pca_s"]
    tsne = TSNE(n_jobs=threads, random_state=options.seed, negative_gradient_method="auto")
    emb = tsne.prepare_initial(x_first, affinities=affinities, initialization="pca")
    for iterations, exaggeration in (
        (options.early_iter, EARLY_EXAGGERATION),
        (options.n_iter, 1.0),
    ):
        for n in _chunks(iterations, options.chunk):
            control.check()
            emb.optimize(n, exaggeration=exaggeration, inplace=True)
            coords[first] = emb
            yield from step("initial", n)
    # The grid that added points are placed on: preparing it centres the map, so do it before
    # the first map's final positions are kept (openTSNE would otherwise centre it later).
    emb.prepare_interpolation_grid()
    coords[first] = emb
    first_map_s = time.perf_counter() - t0
    yield EmbeddingFrame(coords.copy(), done, "initial")

    for stage, features, source_rows, rows in (
        ("placing", real, rest, rest),
        ("synthetic", added, np.arange(len(added)), n_real + np.arange(len(added))),
    ):
        if not len(rows):
            continue
        control.check()
        started = time.perf_counter()
        projected = yield from _project(pca, features, source_rows, control)
        partial = emb.prepare_partial(
            projected,
            k=min(PLACE_K, len(first)),
            perplexity=min(PLACE_PERPLEXITY, (len(first) - 1) / 3),
        )
        coords[rows] = partial
        yield EmbeddingFrame(coords.copy(), done, stage)
        for n in _chunks(options.place_iter, options.chunk):
            control.check()
            partial.optimize(n, inplace=True, **PLACE)
            coords[rows] = partial
            yield from step(stage, n)
        timings[f"{stage}_s"] = time.perf_counter() - started
    return Embedding(coords, first, first_map_s, time.perf_counter() - t0, timings)


class Joined:
    """Two feature sources as one (rows of `first`, then of `second`), read when asked for."""

    def __init__(self, first: Any, second: np.ndarray) -> None:
        self.first, self.second, self.n = first, second, len(first)

    def __len__(self) -> int:
        return self.n + len(self.second)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, np.int64)
        mine = rows < self.n
        out = np.empty((len(rows), self.second.shape[1]), np.float32)
        if mine.any():
            out[mine] = self.first[rows[mine]]
        out[~mine] = self.second[rows[~mine] - self.n]
        return out


_STAGE_WORDS = {
    "initial": "first map",
    "placing": "placing the other real patches",
    "synthetic": "placing the synthetic lesions",
}
