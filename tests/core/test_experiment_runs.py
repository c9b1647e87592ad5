"""A study's generators are never a workspace's runs: `mammogan runs`, list_runs and the
"default run" of export and review (best_run) leave them out, both the generators a study keeps
in its folder and the fold generators that older studies trained as ordinary runs; `mammogan
runs --all` lists them, marked as the study's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.export.plan import best_run
from mammogan_core.training import runs
from mammogan_core.workspace import Workspace
from mammogan_core.workspace_info import run_rows


def _run(ws: Workspace, run_id: str) -> None:
    """A finished training run with a checkpoint file (what best_run looks for)."""
    runs.start_run(ws, run_id, {"run": run_id, "train": {"preset": "tiny"}}, fresh=True)
    runs.set_status(ws, run_id, "finished")
    (ws.runs_dir / run_id / "checkpoints").mkdir(parents=True)
    (ws.runs_dir / run_id / "checkpoints" / "best.pt").write_bytes(b"x")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    with Workspace.create(folder) as ws:
        _run(ws, "train-1-own")
        _run(ws, "train-2-fold-generator")  # newer: the old rule would take it
        study = ws.runs_dir / "study-1"
        (study / "generators" / "fold1-k4").mkdir(parents=True)
        (study / "study.json").write_text(
            json.dumps(
                {
                    "kind": "augmentation-study",
                    "id": "study-1",
                    "created": "2026-01-01T00:00:00+00:00",
                    "options": {"k": [4], "seeds": 1},
                    "folds": [{"fold": 0, "generator": "train-2-fold-generator"}],
                }
            )
        )
        (study / "generators" / "fold1-k4" / "generator.json").write_text(
            json.dumps(
                {"fold": 0, "k": 4, "steps": 60, "preset": "cpu", "real_lesions": [1, 2, 3, 4]}
            )
        )
    return folder


def test_study_generators_are_no_default_run_and_are_listed_only_with_all(
    workspace: Path, capsys: pytest.CaptureFixture[str]
):
    from mammogan_core.cli.main import run_cli

    with Workspace.open(workspace) as ws:
        assert [r["id"] for r in runs.list_runs(ws)] == ["train-1-own"]
        assert best_run(ws) == "train-1-own"
        every = {r["id"]: r.get("study") for r in runs.list_runs(ws, include_study=True)}
        assert every == {"train-1-own": None, "train-2-fold-generator": "study-1"}
        assert [r["id"] for r in run_rows(ws)] == ["train-1-own"]
    capsys.readouterr()
    assert run_cli(["runs", "--workspace", str(workspace), "--json"]).exit_code == 0
    plain = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in plain["runs"]] == ["train-1-own"] and "study_generators" not in plain
    assert run_cli(["runs", "--workspace", str(workspace), "--all", "--json"]).exit_code == 0
    listed = json.loads(capsys.readouterr().out)
    assert {r["id"]: r["study"] for r in listed["runs"]} == {
        "train-1-own": None,
        "train-2-fold-generator": "study-1",
    }
    (gen,) = listed["study_generators"]
    assert gen == {
        "id": "study-1/generators/fold1-k4",
        "study": "study-1",
        "fold": 1,
        "k": 4,
        "steps": 60,
        "preset": "cpu",
        "real_lesions": 4,
    }
    assert run_cli(["runs", "--workspace", str(workspace), "--all"]).exit_code == 0
    text = capsys.readouterr().out
    assert "[study study-1's fold generator]" in text
    assert "study-1/generators/fold1-k4  study study-1, fold 1, k 4: 4 real lesions" in text


@pytest.mark.slow
def test_a_cached_generator_is_reused_and_a_damaged_one_trained_again(tmp_path: Path):
    import torch

    from mammogan_core.control import Control
    from mammogan_core.events import Progress
    from mammogan_core.experiment.folds import Fold
    from mammogan_core.experiment.generator import Request, TrainedGenerators
    from mammogan_core.experiment.options import StudyOptions

    fold = Fold(0, ("a",), ("b",), ("c",), (1, 2), (3,), (4,), (5,), (6,), (7,))
    lesions = torch.randint(0, 255, (2, 1, 128, 128), dtype=torch.uint8)
    req = Request(fold, 2, (1, 2), ("a",), lesions, 3, 5, torch.device("cpu"), Control())
    source = TrainedGenerators(
        StudyOptions(gan_preset="tiny", gan_steps=1), tmp_path / "study-1" / "generators"
    )

    def run() -> tuple[object, int]:
        events = source(req)
        trained = 0
        try:
            while True:
                trained += isinstance(next(events), Progress)
        except StopIteration as done:
            return done.value, trained

    first, trained = run()
    assert trained == 1 and first.run == "study-1/generators/fold1-k2"
    assert first.real_lesions == (1, 2) and first.pixels.shape == (3, 1, 128, 128)
    meta = json.loads((tmp_path / "study-1/generators/fold1-k2/generator.json").read_text())
    assert meta["real_lesions"] == [1, 2] and meta["patients"] == ["a"]
    again, trained = run()
    assert trained == 0 and torch.equal(again.pixels, first.pixels)  # loaded, same samples
    (tmp_path / "study-1/generators/fold1-k2/generator.pt").write_bytes(b"not a torch file")
    _third, trained = run()
    assert trained == 1  # damaged: trained again, not unpickled
