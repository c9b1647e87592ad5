"""The report of a review set: the MRMC analysis (readers and images random: the reader-averaged
AUC, accuracy, sensitivity and specificity with their intervals, and the equivalence verdict),
statistics per reader, the pooled row (descriptive only), agreement, the synthetic images that
fooled most readers; written as stats.csv, mrmc.json, readings.csv (the reading table, for
`mammogan review mrmc` or other tools), answers.csv and a one-page report.png in
`<set>/report/`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_text
from ..errors import InputError
from ..events import Result
from ..workspace import Workspace
from . import equivalence as eq
from .analysis import MrmcResult, analyse, summary_lines
from .answers import answers_files
from .layout import set_dir
from .package import open_package
from .reading import AnswersFile
from .sets import read_key
from .stats import (
    POOLED,
    Call,
    ReaderStats,
    calls_by_image,
    cohen_kappas,
    fleiss_kappa,
    reader_stats,
)
from .table import Table, imrmc_text

REPORT = "report"
FOOLED_SHOWN = 16


@dataclass(frozen=True)
class ReviewReport(Result):
    set: str
    readers: tuple[ReaderStats, ...]
    pooled: ReaderStats  # every answer as if independent: descriptive only
    mrmc: MrmcResult | None  # None: too few readers' answers on common images (see warnings)
    fleiss_kappa: float | None  # all readers, on the images every reader answered
    fleiss_n: int
    cohen_kappa: tuple[dict[str, Any], ...]  # {"readers": [a, b], "kappa", "n"} per pair
    fooled: tuple[dict[str, Any], ...]  # synthetic images called real by most readers
    csv: str  # one row per reader and a pooled row
    answers_csv: str  # every answer with its truth
    png: str  # the one-page report
    mrmc_json: str = ""
    readings_csv: str = ""
    warnings: tuple[str, ...] = ()


def review_report(workspace: Workspace, set_id: str, margin: float = eq.MARGIN) -> ReviewReport:
    folder = set_dir(workspace, set_id)
    key = read_key(folder)["images"]
    files, warnings = answers_files(workspace, set_id)
    table = reading_table(files, key)
    mrmc = _analysed(table, margin)
    if mrmc is None:
        warnings.append(
            "no MRMC analysis: it needs two real and two synthetic images that every reader "
            "answered"
        )
    per_reader, all_calls, all_repeats = [], [], []
    first_calls: dict[str, dict[str, str]] = {}
    for f in files:
        calls, repeats = _joined(f, key)
        stats = reader_stats(f.reader.name, calls, repeats)
        per_reader.append(replace(stats, role=f.reader.role, years=f.reader.years, source=f.source))
        all_calls += calls
        all_repeats += repeats
        first_calls[f.reader.name] = {c.image_id: c.call for c in calls}
    pooled = reader_stats(POOLED, all_calls, all_repeats, descriptive=True)
    counts = calls_by_image(first_calls)
    fooled = _fooled(first_calls, key)
    out = folder / REPORT
    out.mkdir(exist_ok=True)
    report = ReviewReport(
        set=set_id,
        readers=tuple(per_reader),
        pooled=pooled,
        mrmc=mrmc,
        fleiss_kappa=fleiss_kappa(counts) if len(first_calls) >= 2 else None,
        fleiss_n=len(counts),
        cohen_kappa=tuple(cohen_kappas(first_calls)),
        fooled=tuple(fooled),
        csv=str(out / "stats.csv"),
        answers_csv=str(out / "answers.csv"),
        png=str(out / "report.png"),
        mrmc_json=str(out / "mrmc.json") if mrmc else "",
        readings_csv=str(out / "readings.csv") if table else "",
        warnings=tuple(warnings),
    )
    atomic_write_text(report.csv, _stats_csv(report))
    if mrmc is not None and table is not None:
        atomic_write_text(report.mrmc_json, json.dumps(mrmc.to_dict(), indent=1) + "\n")
        atomic_write_text(report.readings_csv, readings_csv(table))
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


def set_mrmc(workspace: Workspace, set_id: str, margin: float = eq.MARGIN) -> MrmcResult | None:
    """The MRMC analysis of a set's answers, without writing the report (a pilot for sizing)."""
    files, _ = answers_files(workspace, set_id)
    return _analysed(reading_table(files, read_key(set_dir(workspace, set_id))["images"]), margin)


def write_imrmc(workspace: Workspace, set_id: str, out: str | Path) -> Path:
    """The readers' scores of the images every reader answered and their truth as an iMRMC
    input file (synthetic = 1); written atomically."""
    folder = set_dir(workspace, set_id)
    files, _ = answers_files(workspace, set_id)
    table = reading_table(files, read_key(folder)["images"])
    if table is None:
        raise InputError(
            "no iMRMC file: it needs two real and two synthetic images that every reader answered",
            folder,
        )
    path = Path(out).expanduser().resolve()
    atomic_write_text(
        path,
        imrmc_text(
            table,
            f"MammoGAN review set {set_id}. Truth 1 = synthetic, 0 = real. Scores on the "
            "10-point scale (1 real and certain ... 10 synthetic and certain).",
        ),
    )
    return path


def _analysed(table: Table | None, margin: float) -> MrmcResult | None:
    if table is None:
        return None
    return analyse(
        table.scores, table.truth, table.readers, table.modalities, table.calls, margin,
        table.warnings,
    )  # fmt: skip


def reading_table(files: list[AnswersFile], key: dict[str, dict[str, str]]) -> Table | None:
    """The first showings as a reading table (one modality; synthetic = positive; the 10-point
    score and the call), or None with fewer than two images of each class. The readers who
    answered every image, where there are some (a reader halfway through would otherwise
    shrink everyone's images to theirs); else every reader on the images all answered."""
    first = {f.reader.name: {c.image_id: c for c in _joined(f, key)[0]} for f in files}
    shown = [i for i in sorted(key) if not key[i]["repeat_of"]]
    done = [r for r, calls in first.items() if len(calls) == len(shown)]
    readers = done or list(first)
    common = [i for i in shown if readers and all(i in first[r] for r in readers)]
    truth = np.array([key[i]["truth"] == "synthetic" for i in common], bool)
    if truth.sum() < 2 or (~truth).sum() < 2:
        return None
    grid = [[first[r][i] for i in common] for r in readers]
    scores = np.array([[[c.score for c in row] for row in grid]], float)
    calls = np.array([[[c.call == "synthetic" for c in row] for row in grid]], bool)
    warnings = []
    if len(readers) < len(first):
        unfinished = ", ".join(r for r in first if r not in readers)
        warnings.append(f"the MRMC analysis leaves out the readers not finished: {unfinished}")
    if len(common) < len(shown):
        warnings.append(f"{len(shown) - len(common)} of {len(shown)} images left out of the "
                        "MRMC analysis: not answered by every reader")  # fmt: skip
    return Table(scores, truth, calls, tuple(readers), tuple(common), ("",), tuple(warnings))


def readings_csv(table: Table) -> str:
    """The reading table in long form: reader,case,truth,score,call (`mammogan review mrmc`)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("reader", "case", "truth", "score", "call"))
    for r, reader in enumerate(table.readers):
        for c, case in enumerate(table.cases):
            writer.writerow((reader, case, int(table.truth[c]), f"{table.scores[0, r, c]:g}",
                             int(table.calls[0, r, c])))  # fmt: skip
    return text.getvalue()


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


_INTERVALS = ("accuracy", "sensitivity", "specificity", "auc")
_COLUMNS = (
    "reader", "role", "years", "source", "n", "correct", "accuracy", "accuracy_low",
    "accuracy_high", "sensitivity", "sensitivity_low", "sensitivity_high", "specificity",
    "specificity_low", "specificity_high", "auc", "auc_low", "auc_high", "p_value",
    "seconds_real", "seconds_synthetic", "repeat_agreement", "repeat_pairs",
)  # fmt: skip


def _stats_csv(report: ReviewReport) -> str:
    """A row per reader (exact intervals on the proportions, a bootstrap one on the AUC) and
    the pooled row, without intervals or test (descriptive only)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for s in (*report.readers, report.pooled):
        row = s.to_dict()
        for name in _INTERVALS:
            low, high = row[f"{name}_ci"] or ("", "")
            row.update({f"{name}_low": low, f"{name}_high": high})
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
    ("reader", 190), ("n", 45), ("accuracy", 70), ("sensitivity", 80), ("specificity", 80),
    ("AUC", 50), ("95% CI", 90), ("p (50%)", 65), ("secs real", 65), ("secs synth.", 80),
    ("repeats", 60),
)  # fmt: skip


def _rows(report: ReviewReport) -> list[tuple[str, ...]]:
    rows = [tuple(title for title, _ in _TABLE)]
    for s in (*report.readers, report.pooled):
        ci = f"{s.auc_ci[0]:.2f}-{s.auc_ci[1]:.2f}" if s.auc_ci else "-"
        rows.append(
            (s.reader[:30], str(s.n), _fmt(s.accuracy), _fmt(s.sensitivity),
             _fmt(s.specificity), _fmt(s.auc), ci, _fmt(s.p_value, 3),
             _fmt(s.seconds_real, 1), _fmt(s.seconds_synthetic, 1), _fmt(s.repeat_agreement))
        )  # fmt: skip
    return rows


def _notes(report: ReviewReport) -> list[str]:
    lines = [
        f"Fleiss' kappa (all readers, {report.fleiss_n} images): {_fmt(report.fleiss_kappa)}",
    ]
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
    """One page: the MRMC figures and the verdict, the table of statistics per reader
    (synthetic = positive; reading times in seconds; repeats = same call on both showings),
    the kappas and the grid of the most fooling synthetic images."""
    import torch
    from PIL import Image, ImageDraw

    from ..metrics.figures import _save_rgb
    from ..training.data import grid

    head = [*summary_lines(report.mrmc.to_dict() if report.mrmc else None), ""]
    rows, notes = _rows(report), _notes(report)
    shown = [f["image_id"] for f in report.fooled[:FOOLED_SHOWN]]
    tiles = None
    if shown:
        package = open_package(folder / "package")
        pixels = np.stack([_as_u8(package.image(i), package.bits) for i in shown])
        cols = min(len(shown), 8)
        tiles = grid(torch.from_numpy(pixels).unsqueeze(1), cols=cols, tile=96).numpy()
    line = 18
    text_h = 40 + line * (len(head) + len(rows) + len(notes) + 1)
    width = max(40 + sum(w for _, w in _TABLE), 0 if tiles is None else tiles.shape[1] + 40)
    page = Image.new(
        "RGB", (width, text_h + (0 if tiles is None else tiles.shape[0] + 20)), "white"
    )
    draw = ImageDraw.Draw(page)
    draw.text((20, 12), f"Visual Turing test, review set {report.set}: "
              f"{len(report.readers)} reader(s); 'synthetic' is the positive class", fill="black")  # fmt: skip
    for n, text in enumerate(head):
        draw.text((20, 40 + line * n), text, fill="black")
    top = 40 + line * len(head)
    for r, cells in enumerate(rows):
        x = 20
        for cell, (_, w) in zip(cells, _TABLE):
            draw.text((x, top + line * r), cell, fill="black")
            x += w
    for n, note in enumerate(notes):
        draw.text((20, top + line * (len(rows) + 1 + n)), note, fill="black")
    if tiles is not None:
        page.paste(Image.fromarray(tiles).convert("RGB"), (20, text_h))
    _save_rgb(Path(report.png), page)


def _as_u8(pixels: np.ndarray, bits: int) -> np.ndarray:
    return (pixels >> 8).astype(np.uint8) if bits == 16 else pixels
