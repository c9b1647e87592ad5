"""One reader reading one package: the reading order, the answers and their file.

Each answer is committed when given: one JSON line appended to `answers/<reader>.jsonl` in the
package, flushed and fsynced, so killing the app at any moment loses at most the line being
written (a torn last line is dropped when the file is opened again). Lines are chained by a
short hash of the line before, so an answers file edited by hand is refused on import.

    session = ReadingSession.open(open_package(folder), ReaderInfo("A. Reader", "radiologist", 7))
    while (image_id := session.current()) is not None:
        session.answer(image_id, "synthetic", 4, seconds=3.2)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..atomic import _fsync_dir
from ..errors import InputError
from .package import ReviewPackage

CALLS = ("real", "synthetic")
CONFIDENCES = (1, 2, 3, 4, 5)
ANSWERS_FORMAT = "mammogan-review-answers"


@dataclass(frozen=True)
class ReaderInfo:
    name: str
    role: str = ""  # e.g. radiologist, resident, physicist
    years: float | None = None  # years of experience

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InputError("enter the reader's name")
        if self.years is not None and not 0 <= self.years <= 80:
            raise InputError(f"years of experience must be 0 to 80, not {self.years:g}")


@dataclass(frozen=True)
class Answer:
    image_id: str
    call: str  # real | synthetic
    confidence: int  # 1 (unsure) .. 5 (certain)
    seconds: float | None  # reading time (None when transcribed without one)
    at: str = ""  # UTC time the answer was given


def check_answer(image_id: str, call: str, confidence: int, seconds: float | None) -> None:
    """InputError for a call, confidence or time outside the scale."""
    if call not in CALLS:
        raise InputError(
            f"image {image_id}: the call must be real or synthetic (R or S), not {call!r}"
        )
    if isinstance(confidence, bool) or confidence not in CONFIDENCES:
        raise InputError(f"image {image_id}: the confidence must be 1 to 5, not {confidence!r}")
    if seconds is not None and not seconds >= 0:
        raise InputError(f"image {image_id}: the reading time must be 0 s or more, not {seconds}")


def reader_file_name(name: str) -> str:
    """A file name per reader: readable, and distinct for names that differ only in case or
    punctuation (a short hash of the exact name)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:40] or "reader"
    return f"{slug}-{hashlib.sha256(name.strip().encode()).hexdigest()[:8]}.jsonl"


def reading_order(package: ReviewPackage, reader: str) -> tuple[str, ...]:
    """The images in this reader's order: shuffled by the package's random order seed and the
    reader's name, so each reader has an own order and nobody can derive the classes from it."""
    seed = hashlib.sha256(f"{package.order_seed}\0{reader.strip()}".encode()).digest()
    order = list(package.image_ids)
    random.Random(seed).shuffle(order)
    return tuple(order)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chained(record: dict[str, Any], before: str) -> str:
    body = json.dumps({k: v for k, v in record.items() if k != "h"}, sort_keys=True)
    return hashlib.sha256(f"{before}\n{body}".encode()).hexdigest()[:16]


def _encoded(record: dict[str, Any], before: str) -> tuple[bytes, str]:
    """The record's line, chained to the line before, and its hash."""
    chained = {**record, "h": _chained(record, before)}
    return (json.dumps(chained, sort_keys=True) + "\n").encode(), chained["h"]


def _header(set_id: str, reader: ReaderInfo, source: str) -> dict[str, Any]:
    return {"kind": "reader", "format": ANSWERS_FORMAT, "set": set_id, **asdict(reader),
            "source": source, "started_at": _now()}  # fmt: skip


def _answer_record(a: Answer) -> dict[str, Any]:
    return {"kind": "answer", "image": a.image_id, "call": a.call,
            "confidence": a.confidence, "seconds": a.seconds, "at": a.at}  # fmt: skip


def answers_file_bytes(
    set_id: str, reader: ReaderInfo, answers: list[Answer], source: str
) -> bytes:
    """A whole answers file (answers given outside the app and transcribed)."""
    lines, before = [], ""
    for record in [_header(set_id, reader, source), *map(_answer_record, answers)]:
        line, before = _encoded(record, before)
        lines.append(line)
    return b"".join(lines)


@dataclass(frozen=True)
class AnswersFile:
    """An answers file as read back: its set, reader and the answers in effect (a later answer
    to an image replaces the earlier; an undo withdraws the last answer in effect)."""

    path: Path
    set_id: str
    reader: ReaderInfo
    history: tuple[Answer, ...]  # the answers in effect, in the order given (one per image)
    last_hash: str
    source: str  # app (read in the app) | transcribed (imported from a CSV)
    started_at: str

    @property
    def answers(self) -> dict[str, Answer]:
        return {a.image_id: a for a in self.history}


def read_answers_file(path: Path) -> AnswersFile:
    """Read and check an answers file; InputError naming the file and line of a line that is
    not an answer of this format or that was edited (its chain hash differs)."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise InputError(f"cannot read the answers file: {exc.strerror}", path) from None
    lines = lines[:-1]  # after the last newline: empty, or a line torn by a kill
    if not lines:
        raise InputError("the answers file is empty", path)
    stack: list[Answer] = []
    before = ""
    header: dict[str, Any] = {}
    for number, raw in enumerate(lines, 1):
        try:
            record = json.loads(raw)
            if record["h"] != _chained(record, before):
                raise ValueError("edited")
            kind = record["kind"]
            if number == 1:
                if kind != "reader" or record.get("format") != ANSWERS_FORMAT:
                    raise ValueError("not an answers file")
                header = record
            elif kind == "answer":
                seconds = record["seconds"]
                answer = Answer(
                    str(record["image"]),
                    record["call"],
                    record["confidence"],
                    None if seconds is None else float(seconds),
                    str(record.get("at", "")),
                )
                check_answer(answer.image_id, answer.call, answer.confidence, answer.seconds)
                stack = [a for a in stack if a.image_id != answer.image_id] + [answer]
            elif kind == "undo" and stack:
                stack.pop()
            else:
                raise ValueError(kind)
        except (ValueError, KeyError, TypeError, InputError) as exc:
            why = "was edited after it was written" if str(exc) == "edited" else "is not valid"
            raise InputError(f"line {number} of the answers file {why}", path) from None
        before = record["h"]
    reader = ReaderInfo(header["name"], header.get("role", ""), header.get("years"))
    source, started = str(header.get("source", "app")), str(header.get("started_at", ""))
    return AnswersFile(path, str(header["set"]), reader, tuple(stack), before, source, started)


class ReadingSession:
    """A reader's reading of a package: resumes the reader's earlier answers when opened."""

    def __init__(self, package: ReviewPackage, reader: ReaderInfo, path: Path) -> None:
        self.package = package
        self.path = path
        self.order = reading_order(package, reader.name)
        self._stack: list[Answer] = []
        self._before = ""
        if path.exists():
            self._resume(path)
        else:
            self.reader = reader
            self._append(_header(package.set_id, reader, "app"))
            _fsync_dir(path.parent)

    @classmethod
    def open(cls, package: ReviewPackage, reader: ReaderInfo) -> ReadingSession:
        package.answers_dir.mkdir(exist_ok=True)
        return cls(package, reader, package.answers_dir / reader_file_name(reader.name))

    def _resume(self, path: Path) -> None:
        data = path.read_bytes()
        if not data.endswith(b"\n"):  # a line torn by a kill: drop it before appending more
            with open(path, "r+b") as fh:
                fh.truncate(data.rfind(b"\n") + 1)
                os.fsync(fh.fileno())
        found = read_answers_file(path)
        if found.set_id != self.package.set_id:
            raise InputError("this answers file belongs to another review set", path)
        self.reader = found.reader  # the details entered when the reading began
        self._stack = list(found.history)
        self._before = found.last_hash

    def _append(self, record: dict[str, Any]) -> None:
        line, self._before = _encoded(record, self._before)
        with open(self.path, "ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    # ---------------------------------------------------------------- state
    @property
    def answers(self) -> dict[str, Answer]:
        return {a.image_id: a for a in self._stack}

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def done(self) -> bool:
        return self.answered == self.total

    def current(self) -> str | None:
        """The first image in the reading order without an answer (None when all are read)."""
        given = self.answers
        return next((i for i in self.order if i not in given), None)

    # ---------------------------------------------------------------- changes (each durable)
    def answer(self, image_id: str, call: str, confidence: int, seconds: float) -> Answer:
        """Record (or replace) the answer to an image; on disk before this returns."""
        self.package.image_path(image_id)  # refuses an id of another set
        check_answer(image_id, call, confidence, seconds)
        given = Answer(image_id, call, confidence, round(float(seconds), 3), _now())
        self._append(_answer_record(given))
        self._stack = [a for a in self._stack if a.image_id != image_id] + [given]
        return given

    def undo_last(self) -> str | None:
        """Withdraw the last answer given; returns its image id (None when there is none)."""
        if not self._stack:
            return None
        self._append({"kind": "undo", "at": _now()})
        return self._stack.pop().image_id
