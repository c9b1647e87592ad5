"""Features of a reference set, computed once per set and extractor: `<workspace>/cache/metrics/`
holds one .npy per (extractor, its weights' sha256, the hash of the set's patch ids)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..atomic import atomic_open


def ids_key(patch_ids: Iterable[int]) -> str:
    return hashlib.sha256(np.asarray(list(patch_ids), np.int64).tobytes()).hexdigest()


def cache_path(folder: Path, name: str, weights_sha256: str, set_key: str) -> Path:
    return folder / f"{name}-{weights_sha256[:16]}-{set_key[:16]}.npy"


def load_cached(path: Path | None) -> np.ndarray | None:
    """The cached array, or None (none cached, or a damaged file: it is recomputed)."""
    if path is None or not path.is_file():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None


def save_cached(path: Path | None, value: np.ndarray) -> None:
    if path is not None:
        with atomic_open(path, "wb") as fh:
            np.save(fh, value, allow_pickle=False)
