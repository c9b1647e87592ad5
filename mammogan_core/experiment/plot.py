"""The study's files: F1, AP and AUC against k, one panel each (the poster's Fig. 4 shows F1
only; F1 at a threshold can say "helps" where AP and AUC say the opposite), one line per mode in
the app's colours (colours.py), the mean over folds with its 95% interval as a bar and each
cell (fold x seed) as a dot; drawn with Pillow. And the numbers as CSV (one row per cell, then
one per mode and k)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..atomic import atomic_write_text
from ..metrics.figures import _save_rgb
from ..palette import mode_colour, rgb
from .results import CellResult, ModeSummary

PANELS = (
    ("f1", "F1 at the validation threshold"),
    ("ap", "Average precision"),
    ("auc", "ROC-AUC"),
)
_PW, _H, _LEGEND = 360, 400, 130  # panel width, height, legend column
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 40, 50
_BLACK, _GRID = (0, 0, 0), (225, 225, 225)


def write_plot(path: Path, summary: Sequence[ModeSummary], cells: Sequence[CellResult]) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (_PW * len(PANELS) + _LEGEND, _H), "white")
    draw = ImageDraw.Draw(image)
    modes = list(dict.fromkeys(r.mode for r in summary))
    for i, (metric, title) in enumerate(PANELS):
        _panel(draw, i * _PW, metric, title, summary, cells, modes)
    for i, mode in enumerate(modes):
        y, x = _TOP + 18 * i, _PW * len(PANELS) + 8
        draw.line([x, y + 6, x + 24, y + 6], fill=rgb(mode_colour(mode, modes)), width=3)
        draw.text((x + 30, y), mode, fill=_BLACK)
    draw.text(
        (8, 8),
        "mean over folds (each fold: mean over seeds), 95% t-interval over fold means; dots: cells",
        fill=_BLACK,
    )
    _save_rgb(path, image)


def _panel(
    draw: object,
    left: int,
    metric: str,
    title: str,
    summary: Sequence[ModeSummary],
    cells: Sequence[CellResult],
    modes: list[str],
) -> None:
    ks = sorted({r.k for r in summary})
    lo, hi = (ks[0], ks[-1]) if ks else (0, 1)
    span = max(hi - lo, 1)
    x0, x1, y0, y1 = left + _LEFT, left + _PW - _RIGHT, _H - _BOTTOM, _TOP

    def px(k: float) -> float:
        return x0 + 16 + (x1 - x0 - 32) * ((k - lo) / span if hi > lo else 0.5)

    def py(v: float) -> float:
        return y0 + (y1 - y0) * min(max(v, 0.0), 1.0)

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        draw.line([x0, py(tick), x1, py(tick)], fill=_GRID)
        draw.text((x0 - 32, py(tick) - 6), f"{tick:.2f}", fill=_BLACK)
    for k in ks:
        draw.line([px(k), y0, px(k), y0 + 4], fill=_BLACK)
        draw.text((px(k) - 8, y0 + 8), str(k), fill=_BLACK)
    draw.line([x0, y0, x1, y0], fill=_BLACK)
    draw.line([x0, y0, x0, y1], fill=_BLACK)
    draw.text((x0 + 4, y1 - 16), title, fill=_BLACK)
    draw.text(((x0 + x1) // 2 - 40, _H - 22), "real lesions (k)", fill=_BLACK)
    for i, mode in enumerate(modes):
        colour = rgb(mode_colour(mode, modes))
        shift = (i - (len(modes) - 1) / 2) * 4  # bars of different modes side by side
        rows = [r for r in sorted(summary, key=lambda r: r.k) if r.mode == mode]
        points = [
            (px(r.k) + shift, py(getattr(r, metric).mean), getattr(r, metric).ci)
            for r in rows
            if getattr(r, metric).mean is not None
        ]
        if len(points) > 1:
            draw.line([(x, y) for x, y, _ci in points], fill=colour, width=2)
        for x, y, ci in points:
            if ci is not None:
                draw.line([x, py(ci[0]), x, py(ci[1])], fill=colour, width=1)
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
        for c in cells:
            value = getattr(c, metric)
            if c.mode == mode and value is not None:
                x, y = px(c.k) + shift, py(value)
                draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], outline=colour)


CELL_COLUMNS = (
    "mode", "k", "fold", "seed", "f1", "f1_at_half", "threshold", "precision", "recall", "ap",
    "auc", "tn", "fp", "fn", "tp", "positives", "negatives", "synthetic_count", "repeats",
    "generator", "selected_step", "val_ap",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "mode", "k", "folds", "cells", "f1_mean", "f1_ci_low", "f1_ci_high", "f1_at_half_mean",
    "ap_mean", "ap_ci_low", "ap_ci_high", "auc_mean", "auc_ci_low", "auc_ci_high",
    "positives", "negatives", "one_class_cells",
)  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def write_csv(path: Path, summary: Sequence[ModeSummary], cells: Sequence[CellResult]) -> None:
    """Two tables in one file, each with its header: the cells (fold and seed 1-based as people
    count), then the summary; a blank line between them. Undefined values are empty."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CELL_COLUMNS)
    for c in sorted(cells, key=lambda c: (c.mode, c.k, c.fold, c.seed)):
        (tn, fp), (fn, tp) = c.confusion
        row = (
            c.mode, c.k, c.fold + 1, c.seed + 1, c.f1, c.f1_at_half, c.threshold, c.precision,
            c.recall, c.ap, c.auc, tn, fp, fn, tp, c.positives, c.negatives, c.synthetic_count,
            c.repeats, c.generator and c.generator["run"], c.selected_step, c.val_ap,
        )  # fmt: skip
        w.writerow(_text(v) for v in row)
    w.writerow([])
    w.writerow(SUMMARY_COLUMNS)
    for r in summary:
        row = [r.mode, r.k, r.folds, r.cells]
        for est, with_ci in ((r.f1, True), (r.f1_at_half, False), (r.ap, True), (r.auc, True)):
            row += [est.mean, *(est.ci or (None, None))] if with_ci else [est.mean]
        row += [r.positives, r.negatives, r.one_class_cells]
        w.writerow(_text(v) for v in row)
    atomic_write_text(path, out.getvalue())
