"""What keeps the study honest, each with a check that can fail: the classifier keeps the
weights with the best validation AP (with BatchNorm statistics of those weights) even where F1
at 0.5 stays 0, so never "the first check because best started at -1"; the threshold is the
validation set's max-F1 one, applied to the test set; and through the whole study with an
injected generator (no GAN trained), a planted effect (synthetic lesions that are the held-out
test lesions' neighbours) shows a gain over Oversample while a null (copies of the k training
lesions) shows none beyond its interval; a generator that learnt from more than the cell's k
lesions, or gives fewer lesions than asked, is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from mammogan_core.control import Control
from mammogan_core.events import Finished
from mammogan_core.experiment import classifier
from mammogan_core.experiment.generator import Request, from_function
from mammogan_core.experiment.options import StudyOptions
from mammogan_core.experiment.study import run_study
from mammogan_core.workspace import Workspace


def _patches(n: int, lesion: bool, gen: torch.Generator) -> torch.Tensor:
    """Noise, with a faint bright square for a lesion: learnt in a few steps, never above 0.5."""
    x = torch.randint(60, 120, (n, 1, 128, 128), generator=gen)
    if lesion:
        x[:, :, 40:88, 40:88] += 40
    return x.clamp(0, 255).to(torch.uint8)


def test_the_best_validation_ap_is_kept_with_its_own_batchnorm_statistics_when_f1_stays_0():
    gen = torch.Generator().manual_seed(0)
    x = torch.cat([_patches(3, True, gen), _patches(30, False, gen)])
    y = torch.zeros(len(x))
    y[:3] = 1
    val_x = torch.cat([_patches(3, True, gen), _patches(30, False, gen)])
    val_y = np.array([1] * 3 + [0] * 30)
    trained = classifier.train_classifier(x, y, val_x, val_y, "tiny", 6, 3, False, 0, Control())
    steps, aps, _aucs, f1s = zip(*trained.history, strict=True)
    assert steps == (2, 4, 6)  # every eval_every steps and the last
    assert max(f1s) == 0.0  # the seed's criterion would have kept the first check
    assert aps[0] < max(aps) and trained.selected_step == steps[aps.index(max(aps))]
    assert trained.selected_step != steps[0]
    # the kept model scores what it was kept for: its BatchNorm statistics are its own
    ap, _auc = classifier.ranking_scores(val_y, classifier.predict(trained.model, val_x))
    assert ap == pytest.approx(trained.val_ap)
    bn = next(m for m in trained.model.modules() if isinstance(m, torch.nn.BatchNorm2d))
    mean = bn.running_mean.clone()
    classifier.recalibrate_batchnorm(trained.model, x)
    assert torch.allclose(bn.running_mean, mean, atol=1e-5)


def test_the_validation_threshold_maximises_validation_f1():
    y = np.array([1, 1, 0, 0, 0, 1])
    prob = np.array([0.30, 0.25, 0.20, 0.10, 0.05, 0.02])
    threshold, f1 = classifier.validation_threshold(y, prob)
    assert threshold == pytest.approx(0.25) and f1 == pytest.approx(0.8)  # 2 of 3 at 0.25
    assert classifier.validation_threshold(y, prob * 0)[0] == 0.0  # one score: every patch


TINY = {
    "k": (2,),
    "classifier_preset": "tiny",
    "classifier_steps": 10,
    "normal_ratio": 5.0,
    "device": "cpu",
    "lesion_types": None,
}


def _study(ws_path: Path, tmp_path: Path, options: StudyOptions, source=None) -> object:
    folder = Path(shutil.copytree(ws_path, tmp_path / "ws"))
    with Workspace.open(folder) as ws:
        events = list(run_study(ws, options, Control(), synthetic=source and source(ws)))
    return next(e.summary for e in events if isinstance(e, Finished))


@pytest.mark.slow
def test_the_threshold_is_chosen_on_the_validation_set_and_applied_to_the_test_set(
    study_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seen: list[tuple[int, float]] = []
    chosen = classifier.validation_threshold

    def spy(y: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
        threshold, f1 = chosen(y, prob)
        seen.append((len(y), threshold))
        return threshold, f1

    monkeypatch.setattr(classifier, "validation_threshold", spy)
    options = StudyOptions(**{**TINY, "classifier_steps": 2}, modes=("ORG",), seeds=1)
    result = _study(study_ws, tmp_path, options)
    import json

    record = json.loads((Path(result.study_dir) / "study.json").read_text())
    for cell, (n, threshold) in zip(result.results, seen, strict=True):
        val = record["folds"][cell.fold]["val_patches"]
        test = record["folds"][cell.fold]["test_patches"]
        assert (
            n
            == len(val["lesion"]) + len(val["normal"])
            != len(test["lesion"]) + len(test["normal"])
        )
        assert cell.threshold == pytest.approx(threshold, abs=1e-6)
        assert cell.threshold_source == "validation"
        (tn, fp), (fn, tp) = cell.confusion
        assert fn + tp == len(test["lesion"]) and tn + fp == len(test["normal"])


def _neighbours_of_test_lesions(ws: Workspace):
    """The cheat a leaky generator would be: the fold's test lesions, a few grey levels off."""

    def make(req: Request) -> torch.Tensor:
        pixels = torch.from_numpy(ws.patch_pixels(list(req.fold.test_lesions))).unsqueeze(1)
        picks = pixels[torch.arange(req.count) % len(pixels)].int()
        noise = torch.randint(-3, 4, picks.shape, generator=torch.Generator().manual_seed(req.seed))
        return (picks + noise).clamp(0, 255).to(torch.uint8)

    return from_function("planted", make)


def _copies_of_training_lesions(_ws: Workspace):
    """A generator that learnt nothing but its k lesions: copies of them, drawn at random."""

    def make(req: Request) -> torch.Tensor:
        draw = torch.randint(
            0, req.k, (req.count,), generator=torch.Generator().manual_seed(req.seed)
        )
        return req.lesions.cpu()[draw]

    return from_function("copies", make)


CONTROLS = {**TINY, "modes": ("Oversample", "GAN"), "synthetic_ratio": 4.0, "seeds": 2}


@pytest.mark.slow
def test_a_planted_effect_shows_a_gain_over_oversample(study_ws: Path, tmp_path: Path):
    result = _study(study_ws, tmp_path, StudyOptions(**CONTROLS), _neighbours_of_test_lesions)
    ap = next(c for c in result.comparisons if (c.mode, c.metric) == ("GAN", "ap"))
    assert ap.baseline == "Oversample" and ap.folds == 3
    assert ap.mean_diff > 0.1 and sum(d > 0 for d in ap.diffs) >= 2
    gan, over = (next(r for r in result.summary if r.mode == m) for m in ("GAN", "Oversample"))
    assert gan.ap.mean > over.ap.mean and gan.auc.mean > over.auc.mean
    assert all(c.generator["run"] == "planted" for c in result.results if c.mode == "GAN")


@pytest.mark.slow
def test_copies_of_the_training_lesions_show_no_gain_over_oversample(
    study_ws: Path, tmp_path: Path
):
    result = _study(study_ws, tmp_path, StudyOptions(**CONTROLS), _copies_of_training_lesions)
    for c in result.comparisons:
        assert c.ci is not None and c.ci[0] <= 0.0 <= c.ci[1], c  # within its interval
        assert not c.established
    assert any(d != 0 for c in result.comparisons for d in c.diffs)  # not the same training


def test_a_generator_that_saw_more_than_the_cells_lesions_or_gives_too_few_is_refused(
    study_ws_copy: Path,
):
    from mammogan_core.errors import InputError
    from mammogan_core.experiment.generator import Synthetic

    def wider(req: Request):
        yield from ()
        more = (*req.lesion_ids, *req.fold.train_lesions[req.k : req.k + 1])
        return Synthetic(req.lesions[:1].repeat(req.count, 1, 1, 1), "wider", more, {})

    short = from_function("short", lambda req: req.lesions[:1])
    options = StudyOptions(**{**TINY, "modes": ("GAN",), "seeds": 1})
    with Workspace.open(study_ws_copy) as ws:
        with pytest.raises(InputError, match="learnt from 1 lesions outside the cell's 2"):
            list(run_study(ws, options, Control(), synthetic=wider))
        with pytest.raises(InputError, match="gave 1 synthetic lesions, not the 3 asked for"):
            list(run_study(ws, options, Control(), synthetic=short))
