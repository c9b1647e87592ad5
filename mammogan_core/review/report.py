"""The report of a review set: statistics per reader and pooled, agreement, the synthetic images
that fooled most readers, written as stats.csv, answers.csv and a one-page report.png in
`<set>/report/`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_text
from ..events import Result
from ..workspace import Workspace
from .answers import answers_files
from .layout import set_dir
from .package import open_package
from .reading import AnswersFile
from .sets import read_key
from .stats import Call, ReaderStats, calls_by_image, cohen_kappas, fleiss_kappa, reader_stats

REPORT = "report"
FOOLED_SHOWN = 16


@dataclass(frozen=True)
class ReviewReport(Result):
    set: str
    readers: tuple[ReaderStats, ...]
    pooled: ReaderStats
    fleiss_kappa: float | None  # all readers, on the images every reader answered
    fleiss_n: int
    cohen_kappa: tuple[dict[str, Any], ...]  # {"readers": [a, b], "kappa", "n"} per pair
    fooled: tuple[dict[str, Any], ...]  # synthetic images called real by most readers
    csv: str  # one row per reader and a pooled row
    answers_csv: str  # every answer with its truth
    png: str  # the one-page report
    warnings: tuple[str, ...] = ()


def review_report(workspace: Workspace, set_id: str) -> ReviewReport:
    folder = set_dir(workspace, set_id)
    key = read_key(folder)["images"]
    files, warnings = answers_files(workspace, set_id)
    per_reader, all_calls, all_repeats = [], [], []
    first_calls: dict[str, dict[str, str]] = {}
    for f in files:
        calls, repeats = _joined(f, key)
        stats = reader_stats(f.reader.name, calls, repeats)
        per_reader.append(replace(stats, role=f.reader.role, years=f.reader.years, source=f.source))
        all_calls += calls
        all_repeats += repeats
        first_calls[f.reader.name] = {c.image_id: c.call for c in calls}
    pooled = reader_stats("pooled", all_calls, all_repeats)
    counts = calls_by_image(first_calls)
    fooled = _fooled(first_calls, key)
    out = folder / REPORT
    out.mkdir(exist_ok=True)
    report = ReviewReport(
        set=set_id,
        readers=tuple(per_reader),
        pooled=pooled,
        fleiss_kappa=fleiss_kappa(counts) if len(first_calls) >= 2 else None,
        fleiss_n=len(counts),
        cohen_kappa=tuple(cohen_kappas(first_calls)),
        fooled=tuple(fooled),
        csv=str(out / "stats.csv"),
        answers_csv=str(out / "answers.csv"),
        png=str(out / "report.png"),
        warnings=tuple(warnings),
    )
    atomic_write_text(report.csv, _stats_csv(report))
    atomic_write_text(report.answers_csv, _answers_csv(files, key))
    _write_page(report, folder)
    return report


def _joined(
    f: AnswersFile, key: dict[str, dict[str, str]]
) -> tuple[list[Call], list[tuple[Call, Call]]]:
    """The reader's answers to first showings, and (first, repeat) pairs of repeated images."""
    calls = {
        a.image_id: Call(a.image_id, key[a.image_id]["truth"], a.call, a.confidence, a.seconds)
        for a in f.history
        if a.image_id in key
    }
    firsts = [c for i, c in calls.items() if not key[i]["repeat_of"]]
    pairs = [
        (calls[key[i]["repeat_of"]], c) for i, c in calls.items() if key[i]["repeat_of"] in calls
    ]
    return firsts, pairs


def _fooled(
    first_calls: dict[str, dict[str, str]], key: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """Synthetic images that more than half of the readers who saw them called real, most
    fooling first."""
    out = []
    for image_id, entry in key.items():
        if entry["truth"] != "synthetic" or entry["repeat_of"]:
            continue
        seen = [c[image_id] for c in first_calls.values() if image_id in c]
        fooled = seen.count("real")
        if seen and fooled * 2 > len(seen):
            out.append(
                {
                    "image_id": image_id,
                    "fooled": fooled,
                    "readers": len(seen),
                    "source": entry["source"],
                }
            )
    return sorted(out, key=lambda d: (-d["fooled"] / d["readers"], -d["readers"], d["image_id"]))


_COLUMNS = (
    "reader", "role", "years", "source", "n", "correct", "accuracy", "sensitivity",
    "specificity", "auc", "auc_low", "auc_high", "p_value", "seconds_real",
    "seconds_synthetic", "repeat_agreement", "repeat_pairs",
)  # fmt: skip


def _stats_csv(report: ReviewReport) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for s in (*report.readers, report.pooled):
        row = s.to_dict()
        low, high = s.auc_ci or ("", "")
        row.update(auc_low=low, auc_high=high)
        writer.writerow(["" if row[c] is None else row[c] for c in _COLUMNS])
    return text.getvalue()


def _answers_csv(files: list[AnswersFile], key: dict[str, dict[str, str]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(
        ("reader", "image_id", "truth", "repeat_of", "call", "confidence", "seconds", "at")
    )
    for f in files:
        for a in f.history:
            entry = key.get(a.image_id, {"truth": "", "repeat_of": ""})
            seconds = "" if a.seconds is None else a.seconds
            writer.writerow(
                (
                    f.reader.name,
                    a.image_id,
                    entry["truth"],
                    entry["repeat_of"],
                    a.call,
                    a.confidence,
                    seconds,
                    a.at,
                )
            )
    return text.getvalue()


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


_TABLE = (
    ("reader", 170), ("n", 45), ("accuracy", 70), ("sensitivity", 80), ("specificity", 80),
    ("AUC", 50), ("95% CI", 90), ("p (50%)", 65), ("s real", 55), ("s synth.", 65),
    ("repeats", 60),
)  # fmt: skip


def _rows(report: ReviewReport) -> list[tuple[str, ...]]:
    rows = [tuple(title for title, _ in _TABLE)]
    for s in (*report.readers, report.pooled):
        ci = f"{s.auc_ci[0]:.2f}-{s.auc_ci[1]:.2f}" if s.auc_ci else "-"
        rows.append(
            (s.reader[:24], str(s.n), _fmt(s.accuracy), _fmt(s.sensitivity),
             _fmt(s.specificity), _fmt(s.auc), ci, _fmt(s.p_value, 3),
             _fmt(s.seconds_real, 1), _fmt(s.seconds_synthetic, 1), _fmt(s.repeat_agreement))
        )  # fmt: skip
    return rows


def _notes(report: ReviewReport) -> list[str]:
    lines = [f"Fleiss' kappa (all readers, {report.fleiss_n} images): {_fmt(report.fleiss_kappa)}"]
    lines += [
        f"Cohen's kappa {k['readers'][0]} / {k['readers'][1]} ({k['n']} images): {_fmt(k['kappa'])}"
        for k in report.cohen_kappa
    ]
    shown = min(len(report.fooled), FOOLED_SHOWN)
    lines += [
        "",
        f"Synthetic images that fooled most readers: {len(report.fooled)} (first {shown})",
    ]
    return lines


def _write_page(report: ReviewReport, folder: Path) -> None:
    """One page: the table of statistics (synthetic = positive; reading times in seconds;
    repeats = same call on both showings), the kappas and the grid of the most fooling
    synthetic images."""
    import torch
    from PIL import Image, ImageDraw

    from ..metrics.figures import _save_rgb
    from ..training.data import grid

    rows, notes = _rows(report), _notes(report)
    shown = [f["image_id"] for f in report.fooled[:FOOLED_SHOWN]]
    tiles = None
    if shown:
        package = open_package(folder / "package")
        pixels = np.stack([_as_u8(package.image(i), package.bits) for i in shown])
        cols = min(len(shown), 8)
        tiles = grid(torch.from_numpy(pixels).unsqueeze(1), cols=cols, tile=96).numpy()
    line = 18
    text_h = 40 + line * (len(rows) + len(notes) + 1)
    width = max(40 + sum(w for _, w in _TABLE), 0 if tiles is None else tiles.shape[1] + 40)
    page = Image.new(
        "RGB", (width, text_h + (0 if tiles is None else tiles.shape[0] + 20)), "white"
    )
    draw = ImageDraw.Draw(page)
    draw.text((20, 12), f"Visual Turing test, review set {report.set}: "
              f"{len(report.readers)} reader(s); 'synthetic' is the positive class", fill="black")  # fmt: skip
    for r, cells in enumerate(rows):
        x = 20
        for cell, (_, w) in zip(cells, _TABLE):
            draw.text((x, 40 + line * r), cell, fill="black")
            x += w
    for n, note in enumerate(notes):
        draw.text((20, 40 + line * (len(rows) + 1 + n)), note, fill="black")
    if tiles is not None:
        page.paste(Image.fromarray(tiles).convert("RGB"), (20, text_h))
    _save_rgb(Path(report.png), page)


def _as_u8(pixels: np.ndarray, bits: int) -> np.ndarray:
    return (pixels >> 8).astype(np.uint8) if bits == 16 else pixels
