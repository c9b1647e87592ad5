"""Typed results: attributes for the GUI, the same JSON object for the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mammogan_core.events import Finished, Result
from mammogan_core.runner import drive


@dataclass(frozen=True)
class Part(Result):
    path: str
    reason: str


@dataclass(frozen=True)
class Outcome(Result):
    status: str
    out: Path
    counts: dict[str, int]
    errors: tuple[Part, ...] = ()


def test_a_result_becomes_the_json_object_the_cli_prints():
    outcome = Outcome("finished", Path("exports/x"), {"mass": 2}, (Part("a.dcm", "truncated"),))
    got = drive(iter([Finished(outcome)]))
    assert got == {
        "status": "finished",
        "out": "exports/x",
        "counts": {"mass": 2},
        "errors": [{"path": "a.dcm", "reason": "truncated"}],
    }
    assert json.loads(json.dumps(got)) == got


def test_a_plain_dict_summary_still_works():
    assert drive(iter([Finished({"n": 1})])) == {"n": 1}
    assert Finished().as_dict() == {}
