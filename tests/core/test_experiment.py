"""The augmentation study: the four modes' counts, patient-level folds without leakage (checked
on the stored folds against the catalogue), a refused overlapping generator, a tiny study end to
end on the CPU, stopped and resumed without redoing a finished cell, and `mammogan experiment`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import CellFinished, Progress
from mammogan_core.experiment.folds import make_folds, patient_patches
from mammogan_core.experiment.modes import training_set
from mammogan_core.experiment.options import StudyOptions
from mammogan_core.experiment.results import CellResult, StudyResult, threshold_note
from mammogan_core.experiment.store import list_studies, load_study
from mammogan_core.experiment.study import run_study
from mammogan_core.workspace import Workspace

TINY = {
    "k": (2, 4),
    "classifier_preset": "tiny",
    "classifier_epochs": 1,
    "gan_preset": "tiny",
    "gan_epochs": 1,
    "normal_ratio": 3.0,
    "device": "cpu",
}
STOP_AFTER = 5  # cells before the simulated interruption


def test_the_four_modes_build_the_seeds_counts(study_ws: Path):
    options = StudyOptions(synthetic_ratio=1.5, normal_ratio=2.0)
    with Workspace.open(study_ws) as ws:
        fold = make_folds(patient_patches(ws, options), options)[0]
    sets = {m: training_set(m, 4, fold, options) for m in options.modes}
    for mode, ts in sets.items():
        assert ts.lesions == fold.train_lesions[:4]  # the same k real lesions in every mode
        assert ts.normals == fold.train_normals[:8]  # normal_ratio x k
        assert ts.synthetic == (6 if "GAN" in mode else 0)  # 1.5 x k in the GAN modes only
        assert ts.flips == mode.startswith("Aug")
    big = training_set("ORG", 4, fold, StudyOptions(normal_ratio=1000.0))
    assert len(big.normals) == len(fold.train_normals) and big.normal_shortfall


def test_folds_are_patient_level_and_every_patient_is_tested_once(study_ws: Path):
    options = StudyOptions()
    with Workspace.open(study_ws) as ws:
        data = patient_patches(ws, options)
        folds = make_folds(data, options)
        assert folds == make_folds(patient_patches(ws, options), options)  # reproducible
    assert len(folds) == 3
    tested = [p for f in folds for p in f.test_patients]
    assert sorted(tested) == sorted(data.patients)
    for f in folds:
        parts = [set(f.train_patients), set(f.val_patients), set(f.test_patients)]
        assert all(parts) and not (
            parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2]
        )
        assert f.val_lesions and f.test_lesions and f.train_lesions


def test_too_large_k_and_too_few_lesion_patients_are_refused_before_anything_runs(
    study_ws_copy: Path,
):
    with Workspace.open(study_ws_copy) as ws:
        with pytest.raises(InputError, match=r"k \(--k\): 500 exceed the \d+ training lesions"):
            list(run_study(ws, StudyOptions(k=(2, 500)), Control()))
        with pytest.raises(InputError, match="20 folds need at least 22 patients with lesion"):
            list(run_study(ws, StudyOptions(k=(2,), folds=20), Control()))
        assert list_studies(ws) == []  # nothing was stored


def _fake_run(ws: Workspace, run_id: str, patients: list[str] | None) -> None:
    folder = ws.runs_dir / run_id
    folder.mkdir(parents=True)
    selection = {"label": "lesion", "count": 1}
    if patients is not None:
        selection["patients"] = patients
    (folder / "config.json").write_text(json.dumps({"run": run_id, "selection": selection}))


def test_an_existing_generator_that_saw_validation_or_test_patients_is_refused(
    study_ws_copy: Path,
):
    with Workspace.open(study_ws_copy) as ws:
        options = StudyOptions(**TINY)
        fold = make_folds(patient_patches(ws, options), options)[0]
        leaked = [fold.test_patients[0], *fold.train_patients]
        _fake_run(ws, "train-leaky", leaked)
        _fake_run(ws, "train-old", None)
        with pytest.raises(InputError, match="trained on 1 of fold 1's validation and test"):
            list(run_study(ws, StudyOptions(**TINY, gan_run="train-leaky"), Control()))
        with pytest.raises(InputError, match="does not record the patients it was trained on"):
            list(run_study(ws, StudyOptions(**TINY, gan_run="train-old"), Control()))
        assert list_studies(ws) == []


@pytest.fixture(scope="module")
def stopped_and_resumed(tmp_path_factory: pytest.TempPathFactory, study_ws: Path) -> dict:
    """A tiny study stopped after STOP_AFTER cells (as Cancel or Ctrl-C do), then resumed."""
    folder = Path(shutil.copytree(study_ws, tmp_path_factory.mktemp("study") / "ws"))
    control = Control()
    first: list = []
    with Workspace.open(folder) as ws:
        for ev in run_study(ws, StudyOptions(**TINY), control):
            first.append(ev)
            if isinstance(ev, CellFinished) and len(_cells(first)) == STOP_AFTER:
                control.stop()
        study = first[-1].summary.study
        cell_dir = ws.runs_dir / study / "cells"
        stored_before = {p.name: p.read_bytes() for p in cell_dir.iterdir()}
        second = list(run_study(ws, None, Control(), resume=study))
        stored_after = {p.name: p.read_bytes() for p in cell_dir.iterdir()}
    return {
        "ws": folder,
        "first": first,
        "second": second,
        "before": stored_before,
        "after": stored_after,
    }


def _cells(events: list) -> list[CellResult]:
    return [ev.cell for ev in events if isinstance(ev, CellFinished)]


def test_a_stopped_study_resumes_without_redoing_a_finished_cell(stopped_and_resumed: dict):
    first, second = stopped_and_resumed["first"], stopped_and_resumed["second"]
    stopped = first[-1].summary
    assert isinstance(stopped, StudyResult) and stopped.status == "stopped"
    assert len(stopped.results) == STOP_AFTER and stopped.resume_command
    done_first = {(c.mode, c.k, c.fold) for c in _cells(first)}
    done_second = {(c.mode, c.k, c.fold) for c in _cells(second)}
    assert not done_first & done_second  # no finished cell ran again
    total = 4 * 2 * 3
    assert len(done_first | done_second) == total
    before, after = stopped_and_resumed["before"], stopped_and_resumed["after"]
    assert len(before) == STOP_AFTER and all(after[name] == data for name, data in before.items())
    finished = second[-1].summary
    assert finished.status == "finished" and len(finished.results) == total
    assert "resume_command" not in finished.to_dict()
    cells = [e for e in second if isinstance(e, Progress) and e.unit == "cells"]
    assert cells[-1].done == total and cells[0].message.startswith("fold ")


def test_the_stored_folds_show_no_leakage(stopped_and_resumed: dict):
    finished = stopped_and_resumed["second"][-1].summary
    with Workspace.open(stopped_and_resumed["ws"]) as ws:
        record = json.loads((Path(finished.study_dir) / "study.json").read_text())
        labels = {r["id"]: r["label"] for r in ws.query("SELECT id, label FROM patches")}
        patient = {
            r["id"]: r["key"]
            for r in ws.query(
                "SELECT p.id, COALESCE(i.split_key, i.patient_key) AS key FROM patches p "
                "JOIN images i ON i.id = p.image_id"
            )
        }
        for fold in record["folds"]:
            train, val, test = (set(fold[f"{part}_patients"]) for part in ("train", "val", "test"))
            assert not (train & val or train & test or val & test)
            for part, keys in (("val", val), ("test", test)):
                ids = fold[f"{part}_patches"]["lesion"] + fold[f"{part}_patches"]["normal"]
                assert ids and all(patient[i] in keys for i in ids)  # their patients' only
                assert {labels[i] for i in ids} <= {"lesion", "normal"}  # real, not synthetic
            # the generator was trained on this fold's training patients only (its own record)
            run = json.loads((ws.runs_dir / fold["generator"] / "config.json").read_text())
            assert run["selection"]["patients_restricted"] is True
            assert set(run["selection"]["patients"]) <= train
            assert fold["leakage"] == {
                "train_val_patients": 0,
                "train_test_patients": 0,
                "val_test_patients": 0,
                "generator_val_test_patients": 0,
            }
            assert fold["synthetic_count"] == 6  # 1.5 x the largest k
    for cell in finished.results:
        assert cell.synthetic_count == (round(1.5 * cell.k) if "GAN" in cell.mode else 0)
        assert cell.real_count == cell.k and cell.normal_count <= 3 * cell.k
        (tn, fp), (fn, tp) = cell.confusion
        assert tn + fp + fn + tp > 0 and 0.0 <= cell.f1 <= 1.0


def test_the_study_is_stored_with_its_plot_csv_and_comparisons(stopped_and_resumed: dict):
    finished = stopped_and_resumed["second"][-1].summary
    with Workspace.open(stopped_and_resumed["ws"]) as ws:
        (listed,) = list_studies(ws)
        loaded = load_study(ws, finished.study)
    assert listed["status"] == "finished" and listed["cells_done"] == listed["cells_total"] == 24
    assert loaded.to_dict() == finished.to_dict()
    assert Path(loaded.plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = Path(loaded.csv).read_text().splitlines()
    assert lines[0].startswith("mode,k,fold,f1") and len(lines) == 1 + 24 + 1 + 1 + 8
    assert {(s.mode, s.k) for s in loaded.summary} == {
        (m, k) for m in ("ORG", "AugORG", "GAN", "AugGAN") for k in (2, 4)
    }
    assert all(s.folds == 3 and s.f1_std is not None for s in loaded.summary)
    gan_vs_org = [c for c in loaded.comparisons if (c.mode, c.baseline, c.k) == ("GAN", "ORG", 2)]
    by = {(c.mode, c.fold): c.f1 for c in loaded.results if c.k == 2}
    assert list(gan_vs_org[0].diffs) == pytest.approx(
        [by[("GAN", f)] - by[("ORG", f)] for f in range(3)]
    )


def test_a_study_whose_process_is_gone_is_listed_as_interrupted(stopped_and_resumed: dict):
    folder = stopped_and_resumed["ws"]
    study = stopped_and_resumed["second"][-1].summary.study
    path = folder / "runs" / study / "study.json"
    record = json.loads(path.read_text())
    dead = {"pid": 2**22 + 12345, "host": record["process"]["host"], "start": None}
    path.write_text(json.dumps({**record, "status": "running", "process": dead}))
    with Workspace.open(folder) as ws:
        assert list_studies(ws)[0]["status"] == "interrupted"
        assert load_study(ws, study).resume_command


def test_the_cli_prints_the_issues_json_keys_and_resume_of_a_finished_study_runs_nothing(
    stopped_and_resumed: dict, capsys: pytest.CaptureFixture[str]
):
    from mammogan_core.cli.main import run_cli

    folder = stopped_and_resumed["ws"]
    study = stopped_and_resumed["second"][-1].summary.study
    capsys.readouterr()
    out = run_cli(["experiment", "--workspace", str(folder), "--resume", study, "--json"])
    assert out.exit_code == 0
    d = json.loads(capsys.readouterr().out)
    assert d["study"] == study and d["status"] == "finished" and Path(d["plot"]).is_file()
    assert {"f1", "precision", "recall", "ap", "auc"} <= set(d["results"][0])
    assert {"f1_mean", "f1_std", "f1_ci"} <= set(d["summary"][0])
    assert {"train_patients", "val_patients", "test_patients", "synthetic_count"} <= set(
        d["folds"][0]
    )


def test_the_cli_reads_space_separated_k_and_modes():
    from mammogan_core import settings
    from mammogan_core.cli.main import build_parser

    parser, _ = build_parser()
    args = parser.parse_args(
        ["experiment", "--k", "10", "25", "50", "--modes", "ORG", "AugGAN", "--folds", "4"]
    )
    options = settings.from_args(args, StudyOptions())
    assert options.k == (10, 25, 50) and options.modes == ("ORG", "AugGAN") and options.folds == 4
    with pytest.raises(SystemExit):
        parser.parse_args(["experiment", "--modes", "ORG", "Mixup"])


def _cell(f1: float, auc: float | None) -> CellResult:
    tp = int(f1 > 0)
    return CellResult("ORG", 4, 0, f1, float(tp), float(tp), None, auc, ((9, 0), (1 - tp, tp)), 0)


def test_a_study_whose_classifiers_never_call_a_lesion_says_so() -> None:
    silent = [_cell(0.0, 0.9), _cell(0.0, 0.8)]
    note = threshold_note(silent)
    assert note is not None and "F1 0 in all 2 cells" in note and "AUC 0.85" in note
    assert threshold_note([*silent, _cell(0.4, 0.9)]) is None  # one cell called lesions
    assert threshold_note([_cell(0.0, 0.5), _cell(0.0, 0.4)]) is None  # no better than chance
    assert threshold_note([_cell(0.0, None)]) is None  # one-class test sets: nothing to say
