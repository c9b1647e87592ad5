"""A measurement as the commands' typed result, and its report folder: report.json (the result
plus the memorisation thresholds and distance summaries) and the PNG figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_open, atomic_write_json, atomic_write_text
from ..workspace import Workspace
from .figures import copy_pairs, write_copies, write_grid, write_histograms
from .inception import PUBLISHED_SHA256
from .measure import Measurement
from .memorisation import Memorisation
from .registry import BY_NAME, RADIOMICS_NOTE
from .results import MetricsResult
from .table import result_text

FIGURES = ("real_grid.png", "synthetic_grid.png", "nearest_distances.png", "suspected_copies.png")
SUMMARY = "summary.txt"  # the CLI's table of figures
MEMORISATION = "memorisation.npz"  # the distances and the copies' pixels, for the GUI's view
COPIES_SAVED = 64


def report_folder(ws: Workspace, run: str, step: int, n: int, seed: int) -> Path:
    """Where the evaluation of `n` samples (seed `seed`) of a run's checkpoint at `step` goes."""
    return ws.runs_dir / run / "evaluation" / f"step{step:09d}-n{n}-seed{seed}"


def to_result(
    m: Measurement,
    report_dir: Path,
    n_real: int,
    n_fake: int,
    source: dict[str, Any],
    fake_names: list[str] | None = None,
    real_names: list[str] | None = None,
    real_ids: list[int] | None = None,
) -> MetricsResult:
    """`fake_names` / `real_names` (files of the folders) and `real_ids` (workspace patch ids):
    what the memorised entries call the patches besides their indices."""
    memorised = tuple(
        {
            **s,
            **({"file": fake_names[s["index"]]} if fake_names else {}),
            **({"real_file": real_names[s["real_index"]]} if real_names else {}),
            **({"real_patch_id": real_ids[s["real_index"]]} if real_ids else {}),
        }
        for s in sorted(m.memorisation.suspects, key=lambda s: s["pixel_rms"])
    )
    inception = m.spaces.get("inception")
    weights = None
    if inception is not None:
        sha = inception["weights_sha256"]
        weights = {"sha256": sha, "published": sha == PUBLISHED_SHA256, "label": m.custom_weights}
    return MetricsResult(
        status="finished",
        metrics={name: e.to_dict(BY_NAME[name]) for name, e in m.estimates.items()},
        fid_note=m.fid_note,
        memorised=memorised,
        report_dir=str(report_dir),
        n_real=n_real,
        n_fake=n_fake,
        warnings=tuple(m.warnings),
        inception_weights=weights,
        feature_spaces=m.spaces,
        source=source,
    )


def _summary(values: np.ndarray) -> dict[str, float]:
    if not len(values):
        return {}
    q = np.percentile(values, (5, 50, 95))
    return {"p5": float(q[0]), "median": float(q[1]), "p95": float(q[2])}


def write_report(
    folder: Path, result: MetricsResult, m: Measurement, real: np.ndarray, fake: np.ndarray
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_grid(folder / FIGURES[0], real)
    write_grid(folder / FIGURES[1], fake)
    write_histograms(folder / FIGURES[2], m.memorisation)
    write_copies(folder / FIGURES[3], fake, real, m.memorisation)
    memo = m.memorisation
    write_memorisation(folder / MEMORISATION, memo, fake, real)
    summary = result.to_dict()
    atomic_write_text(folder / SUMMARY, result_text(summary))
    atomic_write_json(
        folder / "report.json",
        {
            **summary,
            "notes": [RADIOMICS_NOTE],
            "memorisation": {
                "pixel_threshold_rms": memo.pixel_threshold,
                "feature_threshold": memo.feature_threshold,
                "synthetic_to_real_pixels": _summary(memo.pixels.distance),
                "real_to_real_pixels": _summary(memo.real_pixels),
                "synthetic_to_real_features": _summary(memo.features.distance),
                "real_to_real_features": _summary(memo.real_features),
            },
            "figures": [*FIGURES, SUMMARY],
        },
    )


def write_memorisation(path: Path, memo: Memorisation, fake: np.ndarray, real: np.ndarray) -> None:
    """Every nearest distance (synthetic-to-real, real-to-real; pixels and features) and the first
    COPIES_SAVED suspected copies beside their real patches (`copy_index`: synthetic indices)."""
    synthetic, nearest = copy_pairs(fake, real, memo, COPIES_SAVED)
    with atomic_open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            synthetic_to_real_pixels=memo.pixels.distance,
            real_to_real_pixels=memo.real_pixels,
            synthetic_to_real_features=memo.features.distance,
            real_to_real_features=memo.real_features,
            copy_index=np.array([s["index"] for s in memo.suspects[:COPIES_SAVED]], np.int64),
            copy_synthetic=synthetic,
            copy_real=nearest,
        )


def read_memorisation(folder: Path) -> dict[str, np.ndarray] | None:
    """The arrays `write_memorisation` saved in a report folder; None for a report without them
    (written before they were saved) or a damaged file."""
    try:
        with np.load(folder / MEMORISATION, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError):
        return None
