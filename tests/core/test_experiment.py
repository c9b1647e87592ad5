"""The augmentation study: the modes' counts and class balance, patient-level folds without
leakage (checked on the stored folds against the catalogue), an existing generator accepted only
where its lesions are among the cell's, a tiny study end to end on the CPU with a generator per
(fold, k) trained on exactly that cell's lesions and cached, stopped and resumed without redoing
a finished cell, and `mammogan experiment`'s table and JSON. The statistics are in
test_experiment_stats.py, the classifier and the planted and null generators in
test_experiment_controls.py."""

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
from mammogan_core.experiment.results import CellResult, StudyResult
from mammogan_core.experiment.store import list_studies, load_study
from mammogan_core.experiment.study import run_study
from mammogan_core.workspace import Workspace

TINY = {
    "k": (2, 3),
    "modes": ("Oversample", "GAN"),
    "classifier_preset": "tiny",
    "classifier_steps": 4,
    "gan_preset": "tiny",
    "gan_steps": 2,
    "normal_ratio": 3.0,
    "seeds": 1,
    "device": "cpu",
}
CELLS = 2 * 2 * 3  # modes x k x folds (one seed)
STOP_AFTER = 3  # cells before the simulated interruption


def test_the_modes_build_their_counts_and_oversample_matches_gans_balance(study_ws: Path):
    options = StudyOptions(synthetic_ratio=1.5, normal_ratio=2.0)
    with Workspace.open(study_ws) as ws:
        fold = make_folds(patient_patches(ws, options), options)[0]
    sets = {m: training_set(m, 4, fold, options) for m in options.modes}
    assert set(sets) == {"ORG", "AugORG", "Oversample", "AugOversample", "GAN", "AugGAN"}
    for mode, ts in sets.items():
        assert ts.lesions == fold.train_lesions[:4]  # the same k real lesions in every mode
        assert ts.normals == fold.train_normals[:8]  # normal_ratio x k
        assert ts.synthetic == (6 if "GAN" in mode else 0)  # 1.5 x k in the GAN modes only
        assert ts.repeats == (6 if "Oversample" in mode else 0)  # as many repeated real ones
        assert ts.flips == mode.startswith("Aug")
        assert (ts.positives, ts.negatives) == (
            (10, 8) if mode not in ("ORG", "AugORG") else (4, 8)
        )
    big = training_set("ORG", 4, fold, StudyOptions(normal_ratio=1000.0))
    assert len(big.normals) == len(fold.train_normals) and big.normal_shortfall


def test_the_default_lesion_class_is_the_seeds_masses(study_ws: Path):
    assert StudyOptions().lesion_types == ("mass",)
    with Workspace.open(study_ws) as ws:
        masses = patient_patches(ws, StudyOptions())
        every = patient_patches(ws, StudyOptions(lesion_types=None))
        types = {r[0] for r in ws.query("SELECT lesion_type FROM patches WHERE label='lesion'")}
    assert types > {"mass"}  # the workspace has other lesions: the default leaves them out
    ids = [i for ids in masses.lesions.values() for i in ids]
    assert 0 < len(ids) < sum(len(v) for v in every.lesions.values())


def test_folds_are_patient_level_and_every_patient_is_tested_once(study_ws: Path):
    options = StudyOptions(lesion_types=None)
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


def _fake_run(ws: Workspace, run_id: str, patients: list[str] | None, count: int = 0) -> None:
    from mammogan_core.training import preset_config

    folder = ws.runs_dir / run_id
    folder.mkdir(parents=True)
    selection = {"label": "lesion", "count": count, "patients_restricted": True}
    if patients is not None:
        selection["patients"] = patients
    train = {**preset_config("tiny", lesion_types=("mass",)).to_dict(), "split": None}
    (folder / "config.json").write_text(
        json.dumps({"run": run_id, "train": train, "selection": selection})
    )


def test_an_existing_generator_is_used_only_where_its_lesions_are_among_the_cells(
    study_ws_copy: Path,
):
    from mammogan_core.experiment.generator import ExistingRun
    from mammogan_core.training.data import patients_of

    with Workspace.open(study_ws_copy) as ws:
        options = StudyOptions(**TINY)
        folds = make_folds(patient_patches(ws, options), options)
        fold = folds[0]
        train = patients_of(ws, list(fold.train_lesions))
        _fake_run(ws, "train-fold", train, count=len(fold.train_lesions))
        _fake_run(ws, "train-old", None)
        run = ExistingRun(ws, "train-fold")
        assert run.trained_on == set(fold.train_lesions)  # re-read from the catalogue
        run.check(fold, len(fold.train_lesions))  # every one of its lesions is the cell's
        with pytest.raises(InputError, match=r"not among fold 1's k = 2 training lesions"):
            run.check(fold, 2)  # more real lesions than the cell's classifier gets
        with pytest.raises(InputError, match="not among fold 2's k"):
            run.check(folds[1], len(folds[1].train_lesions))  # another fold's test patients
        with pytest.raises(InputError, match="does not record the patients it was trained on"):
            list(run_study(ws, StudyOptions(**TINY, gan_run="train-old"), Control()))
        with pytest.raises(InputError, match="not among fold 1's k = 2"):
            list(run_study(ws, StudyOptions(**TINY, gan_run="train-fold"), Control()))
        assert list_studies(ws) == []  # refused before anything was stored


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
        gens = ws.runs_dir / study / "generators"
        weights_before = {p.parent.name: p.read_bytes() for p in gens.glob("*/generator.pt")}
        second = list(run_study(ws, None, Control(), resume=study))
        stored_after = {p.name: p.read_bytes() for p in cell_dir.iterdir()}
        weights_after = {p.parent.name: p.read_bytes() for p in gens.glob("*/generator.pt")}
    return {
        "ws": folder,
        "first": first,
        "second": second,
        "before": stored_before,
        "after": stored_after,
        "weights_before": weights_before,
        "weights_after": weights_after,
    }


def _cells(events: list) -> list[CellResult]:
    return [ev.cell for ev in events if isinstance(ev, CellFinished)]


@pytest.mark.slow
def test_a_stopped_study_resumes_without_redoing_a_finished_cell(stopped_and_resumed: dict):
    first, second = stopped_and_resumed["first"], stopped_and_resumed["second"]
    stopped = first[-1].summary
    assert isinstance(stopped, StudyResult) and stopped.status == "stopped"
    assert len(stopped.results) == STOP_AFTER and stopped.resume_command
    done_first = {c.key for c in _cells(first)}
    done_second = {c.key for c in _cells(second)}
    assert not done_first & done_second  # no finished cell ran again
    assert len(done_first | done_second) == CELLS
    before, after = stopped_and_resumed["before"], stopped_and_resumed["after"]
    assert len(before) == STOP_AFTER and all(after[name] == data for name, data in before.items())
    finished = second[-1].summary
    assert finished.status == "finished" and len(finished.results) == CELLS
    assert "resume_command" not in finished.to_dict()
    cells = [e for e in second if isinstance(e, Progress) and e.unit == "cells"]
    assert cells[-1].done == CELLS and cells[0].message.startswith("fold ")


@pytest.mark.slow
def test_each_fold_and_k_has_its_own_generator_on_exactly_its_lesions_cached_and_reused(
    stopped_and_resumed: dict,
):
    finished = stopped_and_resumed["second"][-1].summary
    folder = Path(finished.study_dir)
    record = json.loads((folder / "study.json").read_text())
    trained = [
        e.message
        for e in stopped_and_resumed["first"] + stopped_and_resumed["second"]
        if isinstance(e, Progress) and e.unit == "steps" and e.done == e.total
    ]
    assert len(trained) == 3 * 2  # one generator per (fold, k), trained once
    # the one the stopped run had trained was loaded, not trained again, on resume
    before = stopped_and_resumed["weights_before"]
    assert before and all(stopped_and_resumed["weights_after"][n] == w for n, w in before.items())
    for fold, frec in enumerate(record["folds"]):
        pool = frec["train_pool"]
        for k in (2, 3):
            gen = frec["generators"][str(k)]
            meta = json.loads(
                (folder / "generators" / f"fold{fold + 1}-k{k}" / "generator.json").read_text()
            )
            assert gen["real_lesions"] == meta["real_lesions"] and len(meta["real_lesions"]) == k
            assert gen["run"] == f"{finished.study}/generators/fold{fold + 1}-k{k}"
            assert gen["outside_cell_lesions"] == 0 and pool["lesion"] >= k
            cells = [c for c in finished.results if (c.fold, c.k) == (fold, k)]
            for c in cells:
                if c.mode == "GAN":
                    assert c.generator == {"run": gen["run"], "real_lesions": gen["real_lesions"]}
                else:
                    assert c.generator is None
        # the k = 2 generator learnt from the first 2 of the k = 3 lesions: the same draw
        assert (
            frec["generators"]["2"]["real_lesions"] == frec["generators"]["3"]["real_lesions"][:2]
        )
    with Workspace.open(stopped_and_resumed["ws"]) as ws:
        from mammogan_core.export.plan import best_run
        from mammogan_core.training.runs import list_runs

        assert list_runs(ws, include_study=True) == [] and best_run(ws) is None  # no run made


@pytest.mark.slow
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
            for gen in fold["generators"].values():  # learnt from training patients only
                assert {patient[i] for i in gen["real_lesions"]} <= train
            assert fold["leakage"] == {
                "train_val_patients": 0,
                "train_test_patients": 0,
                "val_test_patients": 0,
                "generator_val_test_patients": 0,
            }
    for cell in finished.results:
        extra = round(1.5 * cell.k)
        assert cell.synthetic_count == (extra if cell.mode == "GAN" else 0)
        assert cell.repeats == (extra if cell.mode == "Oversample" else 0)
        assert cell.positives == cell.k + extra and cell.negatives <= 3 * cell.k
        assert cell.threshold_source == "validation" and 0.0 <= cell.threshold <= 1.0
        (tn, fp), (fn, tp) = cell.confusion
        assert tn + fp + fn + tp > 0 and 0.0 <= cell.f1 <= 1.0


@pytest.mark.slow
def test_the_study_is_stored_with_its_plot_csv_and_comparisons(stopped_and_resumed: dict):
    finished = stopped_and_resumed["second"][-1].summary
    with Workspace.open(stopped_and_resumed["ws"]) as ws:
        (listed,) = list_studies(ws)
        loaded = load_study(ws, finished.study)
    assert listed["status"] == "finished" and listed["cells_done"] == listed["cells_total"] == CELLS
    assert loaded.to_dict() == finished.to_dict()
    assert Path(loaded.plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = Path(loaded.csv).read_text().splitlines()
    assert lines[0].startswith("mode,k,fold,seed,f1,f1_at_half,threshold")
    assert len(lines) == 1 + CELLS + 1 + 1 + 4
    assert {(s.mode, s.k) for s in loaded.summary} == {
        (m, k) for m in ("Oversample", "GAN") for k in (2, 3)
    }
    assert all(s.folds == 3 and s.ap.ci is not None for s in loaded.summary)
    gan = [
        c
        for c in loaded.comparisons
        if (c.mode, c.baseline, c.k, c.metric) == ("GAN", "Oversample", 2, "ap")
    ]
    by = {(c.mode, c.fold): c.ap for c in loaded.results if c.k == 2}
    assert list(gan[0].diffs) == pytest.approx(
        [by[("GAN", f)] - by[("Oversample", f)] for f in range(3)]
    )
    assert len(loaded.comparisons) == 2 * 3  # one pair, two k, three metrics


@pytest.mark.slow
def test_a_study_whose_process_is_gone_is_listed_as_interrupted(stopped_and_resumed: dict):
    folder = stopped_and_resumed["ws"]
    study = stopped_and_resumed["second"][-1].summary.study
    path = folder / "runs" / study / "study.json"
    record = json.loads(path.read_text())
    dead = {"pid": 2**22 + 12345, "host": record["process"]["host"], "start": None}
    path.write_text(json.dumps({**record, "status": "running", "process": dead}))
    try:
        with Workspace.open(folder) as ws:
            assert list_studies(ws)[0]["status"] == "interrupted"
            assert load_study(ws, study).resume_command
    finally:
        path.write_text(json.dumps(record))


CELL_KEYS = {
    "fold", "k", "mode", "seed", "threshold", "threshold_source", "positives", "negatives",
    "generator", "f1", "f1_at_half", "ap", "auc", "selected_step",
}  # fmt: skip


@pytest.mark.slow
def test_the_cli_prints_the_table_and_the_issues_json_keys(
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
    assert all(set(cell) >= CELL_KEYS for cell in d["results"])
    assert {c["threshold_source"] for c in d["results"]} == {"validation"}
    assert {"f1", "ap", "auc", "f1_at_half"} <= set(d["summary"][0])
    assert {"mean", "ci", "fold_means"} <= set(d["summary"][0]["ap"])
    assert {"p", "p_holm", "ci", "metric"} <= set(d["comparisons"][0])
    assert isinstance(d["warnings"], list) and "t-interval over fold means" in d["interval_method"]
    out = run_cli(["experiment", "--workspace", str(folder), "--resume", study])
    text = capsys.readouterr().out
    assert out.exit_code == 0
    assert "F1 [95% CI]" in text and "AP [95% CI]" in text and "AUC [95% CI]" in text
    assert "GAN - Oversample" in text and "Holm" in text
    header = next(line for line in text.splitlines() if line.startswith("mode "))
    rows = [
        line.split()[0] for line in text.splitlines()[text.splitlines().index(header) + 1 :][:4]
    ]
    assert rows == ["Oversample", "Oversample", "GAN", "GAN"]
    for warning in d["warnings"]:
        assert f"warning: {warning}" in text


def test_the_cli_reads_space_separated_k_and_modes_and_its_help_names_the_seeds_settings(
    capsys: pytest.CaptureFixture[str],
):
    from mammogan_core import settings
    from mammogan_core.cli.main import build_parser

    parser, _ = build_parser()
    args = parser.parse_args(
        ["experiment", "--k", "10", "25", "50", "--modes", "ORG", "AugGAN", "--folds", "4"]
    )
    options = settings.from_args(args, StudyOptions())
    assert options.k == (10, 25, 50) and options.modes == ("ORG", "AugGAN") and options.folds == 4
    assert options.lesion_types == ("mass",) and options.seeds == 3
    assert StudyOptions().modes == ("ORG", "AugORG", "Oversample", "AugOversample", "GAN", "AugGAN")
    with pytest.raises(SystemExit):
        parser.parse_args(["experiment", "--modes", "ORG", "Mixup"])
    with pytest.raises(SystemExit):
        parser.parse_args(["experiment", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for flag in ("--lesion-types", "--normal-ratio", "--synthetic-ratio", "--seeds"):
        assert flag in text
    assert "masses only (--lesion-types mass)" in text and "(the seed's 1.5)" in text
