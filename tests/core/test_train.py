"""The trainer on a real (tiny) workspace on the CPU: events, run folder, stop, resume."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest
import torch

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import CheckpointSaved, Finished, Log, Progress, SampleGrid, StepMetrics
from mammogan_core.training import METRIC_KEYS, preset_config, train
from mammogan_core.training.devices import resolve_device
from mammogan_core.training.runs import find_checkpoint
from mammogan_core.workspace import Workspace

SUMMARY_KEYS = {"run", "run_dir", "steps", "epochs", "checkpoint", "resumed_from_step"}


def add_lesions(ws, n: int = 40, split: str = "train", seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:128, :128]
    blobs = [
        np.clip(
            255 * np.exp(-((xx - c) ** 2 + (yy - c) ** 2) / (2 * (10 + c % 20) ** 2))
            + rng.normal(0, 20, (128, 128)),
            0,
            255,
        )
        for c in rng.integers(30, 98, n)
    ]
    rows = [{"label": "lesion", "lesion_type": "mass", "split": split}] * n
    ws.add_patches(np.stack(blobs).astype(np.uint8), rows)


def tiny(**changes):
    # 40 patches / batch 8 = 5 steps per epoch; checkpoints every 2 steps.
    base = dict(
        batch_size=8,
        epochs=2,
        metrics_every=2,
        sample_every=4,
        checkpoint_every=2,
        checkpoint_unit="steps",
        keep_last=2,
        lr_step_d=1,
        lr_step_g=1,
        lr_gamma=0.5,
        device="cpu",
        best_metric="loss_g_ema",
    )
    return preset_config("tiny", **{**base, **changes})


def run_all(ws, config, control=None, resume=None, stop_at=None):
    control = control or Control()
    events = []
    for ev in train(ws, config, control, resume=resume):
        events.append(ev)
        if stop_at is not None and isinstance(ev, StepMetrics) and ev.step >= stop_at:
            control.stop()
    return events


def metrics(events):
    return [
        (e.step, e.values["loss_d"], e.values["loss_g"], e.values["lr_d"])
        for e in events
        if isinstance(e, StepMetrics)
    ]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One workspace and one uninterrupted 2-epoch run that several tests compare against."""
    ws = Workspace.create(tmp_path_factory.mktemp("train") / "ws")
    add_lesions(ws)
    add_lesions(ws, 5, split="test")  # not selected: split 'train' only
    yield ws, run_all(ws, tiny())
    ws.close()


def test_training_events_folder_and_catalogue(shared) -> None:
    workspace, events = shared
    assert isinstance(events[0], Log) and isinstance(events[-1], Finished)
    grids = [e for e in events if isinstance(e, SampleGrid)]
    assert grids[0].kind == "real" and {g.kind for g in grids[1:]} == {"fake"}
    # the real grid shows the stored pixels (blobs on a dark background), not a saturated copy
    stored = workspace.patch_pixels([r[0] for r in workspace.query("SELECT id FROM patches")])
    assert abs(float(grids[0].image[:64].mean()) - float(stored.mean())) < 40
    assert grids[0].image.min() < 50
    assert all(
        (g.image.dtype == np.uint8 and g.image.shape == (320, 512)) or g.image.shape == (512, 512)
        for g in grids
    )
    steps = [e for e in events if isinstance(e, StepMetrics)]
    assert [m.step for m in steps] == [2, 4, 6, 8, 10]
    assert all(
        set(m.values) == set(METRIC_KEYS) and all(np.isfinite(list(m.values.values())))
        for m in steps
    )
    assert steps[-1].values["lr_d"] == pytest.approx(2e-4 * 0.5)  # one StepLR decay after epoch 1
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[-1].done == progress[-1].total == 10 and progress[-1].unit == "steps"
    summary = events[-1].summary
    assert set(summary.to_dict()) >= SUMMARY_KEYS and summary.steps == 10 and summary.epochs == 2
    assert summary.resumed_from_step == 0 and summary.status == "finished"
    run_dir = workspace.runs_dir / summary.run
    info = json.loads((run_dir / "config.json").read_text())
    assert info["selection"]["count"] == 40 and info["train"]["preset"] == "tiny"
    assert {"torch", "numpy", "python", "mammogan"} <= set(info["versions"])
    ckpt_files = sorted(p.name for p in (run_dir / "checkpoints").glob("ckpt_step*.pt"))
    assert ckpt_files == ["ckpt_step000000008.pt", "ckpt_step000000010.pt"]  # keep_last=2
    index = json.loads((run_dir / "checkpoints" / "checkpoints.json").read_text())
    assert index["last"] == "ckpt_step000000010.pt" and index["best"]["metric"] == "loss_g_ema"
    # best.pt: the checkpoint with the lowest loss_g_ema so far, kept after keep_last dropped it
    best = torch.load(run_dir / "checkpoints" / "best.pt", weights_only=True)
    assert best["step"] == index["best"]["step"] and best["metric"]["name"] == "loss_g_ema"
    for name in ckpt_files:
        kept = torch.load(run_dir / "checkpoints" / name, weights_only=True)
        assert best["metric"]["value"] <= kept["metric"]["value"]
    payload = torch.load(summary.checkpoint, map_location="cpu", weights_only=True)
    assert payload["step"] == 10 and {"opt_g", "opt_d", "sched_g", "sched_d", "rng"} <= set(payload)
    assert (run_dir / "samples" / "real.png").is_file()
    row = workspace.query("SELECT status, step FROM runs WHERE id=?", (summary.run,))[0]
    assert (row["status"], row["step"]) == ("finished", 10)
    n = workspace.query(
        "SELECT COUNT(*) FROM metrics WHERE run_id=? AND name='loss_g'", (summary.run,)
    )
    assert n[0][0] == 5
    assert info["process"]["pid"] == os.getpid()  # who trains it: see test_train_runs.py


def test_stop_then_resume_matches_an_uninterrupted_run(shared) -> None:
    workspace, full = shared
    # Stop mid-epoch (step 4 of 10, epoch 1 of 2): label smoothing, schedulers and random
    # streams must all continue from the checkpoint, across the epoch boundary at step 5.
    part = run_all(workspace, tiny(epochs=2), stop_at=4)
    first = part[-1].summary
    assert first.status == "stopped" and first.steps == 4
    assert any(isinstance(e, CheckpointSaved) and e.step == 4 for e in part)
    row = workspace.query("SELECT status FROM runs WHERE id=?", (first.run,))[0]
    assert row["status"] == "stopped"
    rest = run_all(workspace, None, resume=first.run)
    summary = rest[-1].summary
    assert summary.run == first.run and summary.steps == 10 == full[-1].summary.steps
    assert summary.resumed_from_step == 4
    resumed = metrics(part) + metrics(rest)
    assert [m[0] for m in resumed] == [m[0] for m in metrics(full)]
    np.testing.assert_allclose(
        np.array(resumed)[:, 1:], np.array(metrics(full))[:, 1:], rtol=1e-4, atol=1e-5
    )
    a = torch.load(full[-1].summary.checkpoint, weights_only=True)["generator"]
    b = torch.load(summary.checkpoint, weights_only=True)["generator"]
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=1e-4, atol=1e-5)


def test_a_finished_run_continues_for_more_epochs(shared) -> None:
    workspace, full = shared
    one = run_all(workspace, tiny(epochs=1))[-1].summary
    assert one.status == "finished" and one.steps == 5
    more = run_all(workspace, tiny(epochs=2), resume=one.run)
    summary = more[-1].summary
    assert (summary.run, summary.steps, summary.epochs) == (one.run, 10, 2)
    assert summary.resumed_from_step == 5
    # the same trajectory as two epochs in one go (windows 7-8 and 9-10 cover the same steps)
    np.testing.assert_allclose(
        np.array(metrics(more)[-2:]), np.array(metrics(full)[-2:]), rtol=1e-4, atol=1e-5
    )
    info = json.loads((workspace.runs_dir / one.run / "config.json").read_text())
    assert info["train"]["epochs"] == 2 and info["resumed_from_step"] == 5


def test_without_inception_weights_best_is_chosen_by_kid_and_the_run_says_so(workspace) -> None:
    add_lesions(workspace, 16)
    events = run_all(workspace, tiny(epochs=1, best_metric="fid"))
    warnings = [e.message for e in events if isinstance(e, Log) and e.level == "warning"]
    assert any("chosen by kid" in w and "--inception-weights" in w for w in warnings)
    summary = events[-1].summary
    assert any("chosen by kid" in w for w in summary.warnings)  # also in the run's record
    folder = workspace.runs_dir / summary.run / "checkpoints"
    index = json.loads((folder / "checkpoints.json").read_text())
    assert index["best_metric"] == "kid" and index["best"]["metric"] == "kid"
    assert index["best"]["step"] == 2 and (folder / "best.pt").exists()  # evaluated at the end
    rows = workspace.query("SELECT name, step, details FROM metrics WHERE details IS NOT NULL")
    assert [(r["name"], r["step"]) for r in rows] == [("kid", 2)]
    assert json.loads(rows[0]["details"])["extractor"] == "random-conv-v1"
    assert preset_config("alyafi2020").best_metric == "fid"  # the seed kept the lowest FID


def test_a_single_training_patch_trains_and_says_best_cannot_be_chosen(workspace) -> None:
    add_lesions(workspace, 1)
    events = run_all(workspace, tiny(epochs=1, best_metric="kid"))
    summary = events[-1].summary
    assert summary.status == "finished"
    assert any("cannot be chosen by kid: 1 training patch" in w for w in summary.warnings)
    folder = workspace.runs_dir / summary.run / "checkpoints"
    assert not (folder / "best.pt").exists()
    assert find_checkpoint(workspace, summary.run, "best").exists()  # the last checkpoint


def test_an_unknown_best_metric_means_the_last_checkpoint(workspace) -> None:
    add_lesions(workspace, 16)
    events = run_all(workspace, tiny(epochs=1, best_metric="d_x_ema2"))
    assert any(isinstance(e, Log) and "no metric 'd_x_ema2'" in e.message for e in events)
    run = events[-1].summary.run
    folder = workspace.runs_dir / run / "checkpoints"
    assert not (folder / "best.pt").exists()
    assert find_checkpoint(workspace, run, "best") == folder / "ckpt_step000000002.pt"


def test_compile_failure_after_the_first_step_falls_back_to_identical_eager(
    workspace, monkeypatch
) -> None:
    """CUDA graphs record on the second and third calls: a failure there must restore the
    step's state and continue eagerly, giving the same trajectory as an eager run."""
    add_lesions(workspace)
    eager = run_all(workspace, tiny(epochs=1))

    class FailsOnFourthCall(torch.nn.Module):  # D runs 3 times a step: step 2 fails
        def __init__(self, module: torch.nn.Module) -> None:
            super().__init__()
            self._orig_mod, self.calls = module, 0

        def forward(self, *args):
            self.calls += 1
            if self.calls == 4:
                raise RuntimeError("cudagraph recording failed")
            return self._orig_mod(*args)

    monkeypatch.setattr(torch, "compile", lambda module, mode=None: FailsOnFourthCall(module))
    events = run_all(workspace, tiny(epochs=1, compile="default"))
    warnings = [e.message for e in events if isinstance(e, Log) and e.level == "warning"]
    assert any("torch.compile failed" in w and "cudagraph recording" in w for w in warnings)
    np.testing.assert_allclose(
        np.array(metrics(events)), np.array(metrics(eager)), rtol=1e-5, atol=1e-6
    )


def test_checkpoint_on_request(workspace) -> None:
    add_lesions(workspace)
    control = Control()
    control.request_checkpoint()
    events = run_all(workspace, tiny(checkpoint_every=100), control=control)
    saved = [e.step for e in events if isinstance(e, CheckpointSaved)]
    assert saved == [1, 10]  # the request (after the first step) and the end


def test_resume_refuses_a_different_schedule(workspace) -> None:
    add_lesions(workspace)
    run = run_all(workspace, tiny(epochs=1))[-1].summary.run
    with pytest.raises(InputError, match="batch_size"):
        run_all(workspace, tiny(epochs=1, batch_size=4), resume=run)
    with pytest.raises(InputError, match="no training run"):
        run_all(workspace, None, resume="nope")


def test_empty_selection_is_an_input_error(workspace) -> None:
    add_lesions(workspace, 4)
    with pytest.raises(InputError, match="no patches match"):
        run_all(workspace, tiny(lesion_types=("calcification",)))


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_requested_when_absent() -> None:
    with pytest.raises(
        InputError, match=r"CUDA was requested but torch.cuda.is_available\(\) is False"
    ):
        resolve_device("cuda:0")
    assert resolve_device("auto").type in ("cpu", "mps")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("compile_mode", ["off", "default"])
def test_cuda_training_bf16_and_compile_fallback(workspace, compile_mode: str) -> None:
    add_lesions(workspace)
    events = run_all(workspace, tiny(device="cuda", compile=compile_mode))
    summary = events[-1].summary
    assert summary.device.startswith("cuda") and summary.steps == 10
    assert all(
        np.isfinite(list(e.values.values())).all() for e in events if isinstance(e, StepMetrics)
    )
    info = json.loads((workspace.runs_dir / summary.run / "config.json").read_text())
    assert info["speed"]["amp"] == "torch.bfloat16" and info["speed"]["fused_adam"]
    payload = torch.load(summary.checkpoint, map_location="cpu", weights_only=True)
    assert payload["step"] == 10


def test_run_history_replays_the_recorded_metrics(shared) -> None:
    from mammogan_core.training.runs import run_history, steps_per_epoch

    workspace, events = shared
    run = events[-1].summary.run
    live = [e for e in events if isinstance(e, StepMetrics)]
    history = run_history(workspace, run)
    assert steps_per_epoch(workspace, run) == 5
    assert [(h.step, h.epoch) for h in history] == [(m.step, m.epoch) for m in live]
    assert history[-1].values["loss_g"] == pytest.approx(live[-1].values["loss_g"])


def test_a_stopped_run_says_how_to_resume_and_a_twin_run_points_to_it(workspace) -> None:
    add_lesions(workspace, 16)
    stopped = run_all(workspace, tiny(), stop_at=2)[-1].summary
    assert stopped.status == "stopped"
    assert stopped.resume_command == (
        f"mammogan train --workspace {workspace.root} --resume {stopped.run}"
    )
    twin = run_all(workspace, tiny(epochs=3))  # epochs may differ: the same schedule
    said = [e.message for e in twin if isinstance(e, Log) and e.level == "warning"]
    assert any(stopped.run in w and stopped.resume_command in w for w in said)
    assert twin[-1].summary.run != stopped.run  # it still starts a new run
    assert twin[-1].summary.resume_command is None
    other = run_all(workspace, tiny(seed=1, epochs=1))  # other settings: nothing to say
    # Run ids made in the same second share a prefix ("...-tiny", "...-tiny-3"): match whole ids.
    named = re.compile(rf"{re.escape(stopped.run)}(?![\w-])")
    assert not [e for e in other if isinstance(e, Log) and named.search(e.message)]


def test_resuming_with_fewer_epochs_than_done_is_refused(workspace) -> None:
    add_lesions(workspace, 16)  # 2 steps per epoch
    run = run_all(workspace, tiny(epochs=3))[-1].summary.run
    with pytest.raises(InputError, match=r"already trained 6 steps \(3 epochs\).*--epochs 3 or"):
        run_all(workspace, tiny(epochs=2), resume=run)
    row = workspace.query("SELECT status, step, config FROM runs WHERE id=?", (run,))[0]
    assert (row["status"], row["step"], json.loads(row["config"])["epochs"]) == ("finished", 6, 3)


def test_a_collapsed_generator_is_a_warning_in_the_log_and_the_run_record(
    workspace, monkeypatch
) -> None:
    from mammogan_core.training.runs import list_runs
    from mammogan_core.training.step import GanStep

    add_lesions(workspace, 16)
    # a 2-step run's samples are flat indeed: stand in a varied and a constant generator
    varied = torch.rand(64, 1, 128, 128, generator=torch.Generator().manual_seed(0)) * 2 - 1
    monkeypatch.setattr(GanStep, "sample", lambda self, noise: varied)
    healthy = run_all(workspace, tiny(epochs=1))
    assert not [e for e in healthy if isinstance(e, Log) and "collapsed" in e.message]
    monkeypatch.setattr(GanStep, "sample", lambda self, noise: torch.zeros(len(noise), 1, 128, 128))
    events = run_all(workspace, tiny(epochs=1, sample_every=1))
    said = [e.message for e in events if isinstance(e, Log) and e.level == "warning"]
    assert len([w for w in said if "collapsed" in w]) == 1  # at the end, not at every grid
    assert "near-constant images" in said[0] and said[0].startswith("step 2:")
    assert list(events[-1].summary.warnings) == said
    records = {r["id"]: r["warnings"] for r in list_runs(workspace)}
    assert records == {healthy[-1].summary.run: [], events[-1].summary.run: said}
