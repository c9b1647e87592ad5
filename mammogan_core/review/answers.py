"""Answers merged into the workspace: a reader's answers file from a package, or answers given
outside the app (a paper form, a survey) transcribed into a CSV `image_id,call,confidence
[,seconds]`. Imported files are kept, checked, in `<set>/answers/`; the set's own package keeps
the answers read in this app. The statistics read both."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_write_bytes
from ..errors import InputError
from ..events import Result
from ..workspace import Workspace
from .layout import PACKAGE, reviews_dir, set_dir
from .package import ANSWERS
from .reading import (
    Answer,
    AnswersFile,
    ReaderInfo,
    answers_file_bytes,
    check_answer,
    read_answers_file,
    reader_file_name,
)
from .sets import read_key

IMPORTED = "answers"
CSV_COLUMNS = ("image_id", "call", "confidence", "seconds")
KEYS = {"r": "real", "s": "synthetic"}  # the reader's own keys, as on the reading screen


@dataclass(frozen=True)
class ImportResult(Result):
    set: str
    reader: str
    source: str  # app | transcribed
    answers: int  # answers in the file
    new: int  # answers the workspace did not have
    stored: str  # the file kept in the workspace


def answers_files(ws: Workspace, set_id: str) -> tuple[list[AnswersFile], list[str]]:
    """The set's answers (own package and imported) and, for each unreadable file, a warning
    naming it (the other files are still read)."""
    folder = set_dir(ws, set_id)
    found, warnings = [], []
    for path in sorted(
        [*(folder / PACKAGE / ANSWERS).glob("*.jsonl"), *(folder / IMPORTED).glob("*.jsonl")]
    ):
        try:
            found.append(read_answers_file(path))
        except InputError as exc:
            warnings.append(str(exc))
    return found, warnings


def import_answers(
    ws: Workspace,
    path: str | Path,
    reader: ReaderInfo | None = None,
    set_id: str | None = None,
) -> ImportResult:
    """Merge an answers file (.jsonl) or a transcribed CSV (needs `reader`) into the workspace.
    Refuses answers for another set, images the set does not hold, a file edited by hand,
    and answers the workspace already has (a longer file of the same reading replaces the
    shorter one imported before)."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise InputError("no such answers file", path)
    if path.suffix.lower() == ".csv":
        if reader is None:
            raise InputError("a transcribed CSV needs the reader's name (--reader NAME)", path)
        incoming = _transcribed(ws, path, reader, set_id)
    else:
        incoming = read_answers_file(path)
    if set_id and incoming.set_id != set_id:
        raise InputError(f"these answers are for review set {incoming.set_id}, not {set_id}", path)
    folder = _set_of(ws, incoming.set_id, path)
    key = read_key(folder)["images"]
    unknown = [a.image_id for a in incoming.history if a.image_id not in key]
    if unknown:
        raise InputError(
            f"{len(unknown)} answer(s) name images that set {incoming.set_id} does not hold "
            f"({', '.join(unknown[:5])}); the file was altered or belongs to another set",
            path,
        )
    new = _new_answers(ws, incoming, path)
    target = folder / IMPORTED / reader_file_name(incoming.reader.name)
    data = (
        answers_file_bytes(incoming.set_id, incoming.reader, list(incoming.history), "transcribed")
        if path.suffix.lower() == ".csv"
        else path.read_bytes()
    )
    atomic_write_bytes(target, data[: data.rfind(b"\n") + 1])  # without a torn last line
    return ImportResult(
        incoming.set_id,
        incoming.reader.name,
        incoming.source,
        len(incoming.history),
        new,
        str(target),
    )


def _set_of(ws: Workspace, set_id: str, path: Path) -> Path:
    try:
        return set_dir(ws, set_id)
    except InputError as exc:
        raise InputError(
            f"these answers are for review set {set_id}, which this workspace does not hold "
            f"({exc.reason})",
            path,
        ) from None


def _new_answers(ws: Workspace, incoming: AnswersFile, path: Path) -> int:
    """How many answers are new; InputError when the reader's answers are already in the
    workspace or differ from the ones there."""
    for held in answers_files(ws, incoming.set_id)[0]:
        if held.reader.name.strip() != incoming.reader.name.strip():
            continue
        if held.path.parent != set_dir(ws, incoming.set_id) / IMPORTED:  # read here, in the app
            raise InputError(
                f"reader {incoming.reader.name!r} already reads set {incoming.set_id} in this "
                f"workspace ({held.path}); import these under another reader's name",
                path,
            )
        before = {a.image_id: a for a in held.history}
        now = {a.image_id: a for a in incoming.history}
        changed = [i for i, a in before.items() if now.get(i) != a]
        if changed:
            raise InputError(
                f"reader {incoming.reader.name!r} already has other answers for set "
                f"{incoming.set_id} ({held.path.name}: {len(changed)} differ); import these "
                "under another reader's name if they are another reading",
                path,
            )
        if len(now) == len(before):
            raise InputError(
                f"these answers of {incoming.reader.name!r} are already imported (duplicate)", path
            )
        return len(now) - len(before)
    return len(incoming.history)


def _transcribed(ws: Workspace, path: Path, reader: ReaderInfo, set_id: str | None) -> AnswersFile:
    answers = read_transcribed_csv(path)
    ids = {a.image_id for a in answers}
    if set_id is None:
        holding = [
            folder.parent.name
            for folder in reviews_dir(ws).glob("*/key.json")
            if ids <= set(read_key(folder.parent)["images"])
        ]
        if len(holding) != 1:
            raise InputError(
                "no review set of this workspace holds all these image ids"
                if not holding
                else f"several review sets hold these image ids ({', '.join(holding)}): name one (--set)",
                path,
            )
        set_id = holding[0]
    return AnswersFile(path, set_id, reader, tuple(answers), "", "transcribed", "")


def read_transcribed_csv(path: Path) -> list[Answer]:
    """Answers of a CSV with the header image_id,call,confidence[,seconds] (the call real or
    synthetic, or R or S as the reader typed it); InputError naming the file and line of the
    first bad row, or of an image answered twice."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the CSV: {exc}", path) from None
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if tuple(header) not in (CSV_COLUMNS[:3], CSV_COLUMNS):
        raise InputError(
            f"the first line must be {','.join(CSV_COLUMNS[:3])}[,seconds], not {','.join(header)}",
            path,
        )
    answers: dict[str, Answer] = {}
    for number, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        try:
            cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
            image_id, confidence = cells[0], int(cells[2])
            call = KEYS.get(cells[1].lower(), cells[1].lower())
            seconds = float(cells[3]) if len(header) == 4 and cells[3] else None
            check_answer(image_id, call, confidence, seconds)
        except (ValueError, InputError) as exc:
            why = exc.reason if isinstance(exc, InputError) else "a number is not a number"
            raise InputError(f"line {number}: {why}", path) from None
        if image_id in answers:
            raise InputError(f"line {number}: image {image_id} is answered twice", path)
        answers[image_id] = Answer(image_id, call, confidence, seconds)
    if not answers:
        raise InputError("the CSV holds no answers", path)
    return list(answers.values())
