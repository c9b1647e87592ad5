"""The study's files: the F1-against-k figure (the poster's Fig. 4: one line per mode, the mean
F1 over folds with its 95% interval as a bar, each fold as a dot), drawn with Pillow, and the
numbers as CSV (one row per cell, then one per mode and k)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..atomic import atomic_write_text
from ..metrics.figures import _save_rgb
from .results import CellResult, ModeSummary

# the poster's four modes keep their colours whichever subset a study runs
COLOURS = {
    "ORG": (90, 90, 90),
    "AugORG": (40, 110, 220),
    "GAN": (230, 140, 20),
    "AugGAN": (200, 40, 40),
}
_W, _H = 640, 420
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 120, 30, 50
_BLACK, _GRID = (0, 0, 0), (225, 225, 225)


def write_plot(path: Path, summary: Sequence[ModeSummary], cells: Sequence[CellResult]) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (_W, _H), "white")
    draw = ImageDraw.Draw(image)
    ks = sorted({r.k for r in summary})
    lo, hi = (ks[0], ks[-1]) if ks else (0, 1)
    span = max(hi - lo, 1)
    x0, x1, y0, y1 = _LEFT, _W - _RIGHT, _H - _BOTTOM, _TOP

    def px(k: float) -> float:
        return x0 + 20 + (x1 - x0 - 40) * ((k - lo) / span if hi > lo else 0.5)

    def py(f1: float) -> float:
        return y0 + (y1 - y0) * min(max(f1, 0.0), 1.0)

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        draw.line([x0, py(tick), x1, py(tick)], fill=_GRID)
        draw.text((x0 - 34, py(tick) - 6), f"{tick:.2f}", fill=_BLACK)
    for k in ks:
        draw.line([px(k), y0, px(k), y0 + 4], fill=_BLACK)
        draw.text((px(k) - 8, y0 + 8), str(k), fill=_BLACK)
    draw.line([x0, y0, x1, y0], fill=_BLACK)
    draw.line([x0, y0, x0, y1], fill=_BLACK)
    draw.text(((x0 + x1) // 2 - 80, _H - 22), "real training lesions (k)", fill=_BLACK)
    draw.text((8, 8), "F1 (lesion class), mean over folds, 95% interval", fill=_BLACK)
    modes = list(dict.fromkeys(r.mode for r in summary))
    for i, mode in enumerate(modes):
        colour = COLOURS.get(mode, (120, 40, 160))
        shift = (i - (len(modes) - 1) / 2) * 4  # bars of different modes side by side
        rows = sorted((r for r in summary if r.mode == mode), key=lambda r: r.k)
        points = [(px(r.k) + shift, py(r.f1_mean)) for r in rows]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        for r, (x, y) in zip(rows, points, strict=True):
            if r.f1_ci is not None:
                draw.line([x, py(r.f1_ci[0]), x, py(r.f1_ci[1])], fill=colour, width=1)
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
        for c in cells:
            if c.mode == mode:
                x, y = px(c.k) + shift, py(c.f1)
                draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], outline=colour)
        ly = _TOP + 18 * i
        draw.line([x1 + 14, ly + 6, x1 + 38, ly + 6], fill=colour, width=3)
        draw.text((x1 + 44, ly), mode, fill=_BLACK)
    _save_rgb(path, image)


CELL_COLUMNS = (
    "mode", "k", "fold", "f1", "precision", "recall", "ap", "auc",
    "tn", "fp", "fn", "tp", "synthetic_count", "real_count", "normal_count",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "mode", "k", "folds", "f1_mean", "f1_std", "f1_ci_low", "f1_ci_high",
    "precision_mean", "recall_mean", "ap_mean", "auc_mean",
)  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def write_csv(path: Path, summary: Sequence[ModeSummary], cells: Sequence[CellResult]) -> None:
    """Two tables in one file, each with its header: the cells (fold 1-based as people count),
    then the summary; a blank line between them. Undefined values are empty."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CELL_COLUMNS)
    for c in sorted(cells, key=lambda c: (c.mode, c.k, c.fold)):
        (tn, fp), (fn, tp) = c.confusion
        w.writerow(
            _text(v)
            for v in (
                c.mode,
                c.k,
                c.fold + 1,
                c.f1,
                c.precision,
                c.recall,
                c.ap,
                c.auc,
                tn,
                fp,
                fn,
                tp,
                c.synthetic_count,
                c.real_count,
                c.normal_count,
            )
        )
    w.writerow([])
    w.writerow(SUMMARY_COLUMNS)
    for r in summary:
        low, high = r.f1_ci or (None, None)
        w.writerow(
            _text(v)
            for v in (
                r.mode,
                r.k,
                r.folds,
                r.f1_mean,
                r.f1_std,
                low,
                high,
                r.precision_mean,
                r.recall_mean,
                r.ap_mean,
                r.auc_mean,
            )
        )
    atomic_write_text(path, out.getvalue())
