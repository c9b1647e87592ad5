"""Reading tables in long form, one row per reading: `reader,case,truth,score` with optional
`modality` (two modalities give their difference) and `call` (a binary call, 1 = positive, for
accuracy, sensitivity and specificity); truth 1 = the positive class; lines starting with # are
comments. So studies read on paper or in other tools get the same analysis as a review set.
Also the iMRMC input format (FDA's iMRMC; RJafroc reads it too): a free-text header with NR, N0,
N1 and NM, the line `BEGIN DATA:`, then rows `readerID,caseID,modalityID,score`, the truth as
rows of reader -1, modality 0."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

REQUIRED = ("reader", "case", "truth", "score")
OPTIONAL = ("modality", "call")


@dataclass(frozen=True)
class Table:
    scores: np.ndarray  # (T, R, C)
    truth: np.ndarray  # (C,) True = positive
    calls: np.ndarray | None  # (T, R, C) True = called positive
    readers: tuple[str, ...]
    cases: tuple[str, ...]
    modalities: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def read_table(path: str | Path) -> Table:
    """The fully crossed part of a long-form table: cases some reader did not read in some
    modality are left out, with a warning. InputError naming the file and line of a bad row."""
    path = Path(path).expanduser()
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = [(n, line) for n, line in enumerate(fh, 1) if not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the table: {exc}", path) from None
    rows = list(csv.reader(line for _, line in lines))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    missing = [c for c in REQUIRED if c not in header]
    if missing or set(header) - set(REQUIRED) - set(OPTIONAL):
        raise InputError(
            f"the header must name {','.join(REQUIRED)} and optionally {' and '.join(OPTIONAL)}"
            f"; the first line is {','.join(header) or 'empty'}",
            path,
        )
    col = {name: header.index(name) for name in header}
    readings: dict[tuple[str, str, str], tuple[float, bool | None]] = {}
    truth: dict[str, bool] = {}
    for (number, _), row in zip(lines[1:], rows[1:]):
        if not any(c.strip() for c in row):
            continue
        try:
            key, value, positive = _row(row, col)
        except ValueError as exc:
            raise InputError(f"line {number}: {exc}", path) from None
        if truth.setdefault(key[2], positive) != positive:
            raise InputError(f"line {number}: case {key[2]} has truth 0 and 1", path)
        if key in readings:
            raise InputError(
                f"line {number}: reader {key[1]} read case {key[2]} twice"
                + (f" in modality {key[0]}" if key[0] else ""),
                path,
            )
        readings[key] = value
    return _crossed(readings, truth, "call" in col, path)


def _row(row: list[str], col: dict[str, int]) -> tuple[tuple[str, str, str], tuple, bool]:
    cells = [c.strip() for c in row] + [""] * (len(col) - len(row))
    get = {name: cells[i] for name, i in col.items()}
    if not get["reader"] or not get["case"]:
        raise ValueError("the reader and the case must not be empty")
    if get["truth"] not in ("0", "1"):
        raise ValueError(f"truth must be 0 or 1, not {get['truth']!r}")
    try:
        score = float(get["score"])
    except ValueError:
        raise ValueError(f"the score {get['score']!r} is not a number") from None
    if not np.isfinite(score):
        raise ValueError(f"the score must be finite, not {get['score']}")
    call = None
    if "call" in get:
        if get["call"] not in ("0", "1"):
            raise ValueError(f"call must be 0 or 1, not {get['call']!r}")
        call = get["call"] == "1"
    return (get.get("modality", ""), get["reader"], get["case"]), (score, call), get["truth"] == "1"


def _crossed(
    readings: dict[tuple[str, str, str], tuple], truth: dict[str, bool], has_calls: bool, path: Path
) -> Table:
    # in the order of first appearance: the difference is the first modality minus the second
    modalities = tuple(dict.fromkeys(k[0] for k in readings))
    readers = tuple(dict.fromkeys(k[1] for k in readings))
    everyone = [c for c in truth if all((m, r, c) in readings for m in modalities for r in readers)]
    warnings = []
    if len(everyone) < len(truth):
        warnings.append(
            f"{len(truth) - len(everyone)} of {len(truth)} cases left out: not read by every "
            "reader in every modality (the analysis needs a fully crossed design)"
        )
    positive = np.array([truth[c] for c in everyone], bool)
    if positive.sum() < 2 or (~positive).sum() < 2:
        raise InputError(
            f"the cases every reader read hold {int(positive.sum())} positive and "
            f"{int((~positive).sum())} negative: two of each are needed",
            path,
        )

    def grid(part: int, dtype: type) -> np.ndarray:
        return np.array(
            [[[readings[m, r, c][part] for c in everyone] for r in readers] for m in modalities],
            dtype,
        )

    scores, calls = grid(0, float), grid(1, bool) if has_calls else None
    return Table(
        scores, positive, calls, readers, tuple(everyone), modalities or ("",), tuple(warnings)
    )


def imrmc_text(table: Table, description: str) -> str:
    """The iMRMC input file of `table`: readers and cases numbered from 1 in the table's order
    (the header lists which is which), modalities from 1."""
    lines = [description, ""]
    lines += [f"reader {i} = {name}" for i, name in enumerate(table.readers, 1)]
    lines += [f"case {i} = {name}" for i, name in enumerate(table.cases, 1)]
    lines += [
        f"modality {i} = {name or 'the only one'}" for i, name in enumerate(table.modalities, 1)
    ]
    positives = int(table.truth.sum())
    lines += [
        "",
        f"NR: {len(table.readers)}",
        f"N0: {len(table.truth) - positives}",
        f"N1: {positives}",
        f"NM: {len(table.modalities)}",
        "",
        "BEGIN DATA:",
    ]
    lines += [f"-1,{c},0,{int(t)}" for c, t in enumerate(table.truth, 1)]
    for m in range(len(table.modalities)):
        for r in range(len(table.readers)):
            lines += [
                f"{r + 1},{c + 1},{m + 1},{table.scores[m, r, c]:.10g}"
                for c in range(len(table.cases))
            ]
    return "\n".join(lines) + "\n"
