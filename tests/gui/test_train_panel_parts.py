"""Parts of the Train panel without training: the form built from TrainConfig, the curve
buffers and redraw timer, the ETA and the status of a finished run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.training_view.curves import LiveCurves, MetricBuffer
from app.training_view.form import HyperparameterForm
from app.training_view.status import RateWindow, TrainingStatus, format_eta, gpu_memory
from mammogan_core.events import Finished, Progress, StepMetrics
from mammogan_core.training import PRESETS, TrainConfig


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_form_has_an_editor_per_field_and_round_trips_every_preset(qtbot, name):
    form = HyperparameterForm()
    qtbot.addWidget(form)
    assert set(form.editors) == {f.name for f in dataclasses.fields(TrainConfig)} - {"preset"}
    form.preset_box.setCurrentText(name)
    assert form.config() == PRESETS[name]
    assert all(label and not label.startswith("_") for label in form.labels.values())


def test_form_counts_the_selected_patches(qtbot):
    form = HyperparameterForm()
    qtbot.addWidget(form)
    form.set_patch_counts(
        [
            ("lesion", "mass", "train", 30),
            ("lesion", "calcification", "test", 5),
            ("normal", None, "train", 100),
        ]
    )
    assert "30" in form.selection_label.text() and form.config() is not None
    form.editors["lesion_types"].set(None)  # every type (alyafi2020, the default, takes masses)
    form.editors["split"].set(None)
    assert "35" in form.selection_label.text()
    form.editors["label"].set("normal")
    assert "100" in form.selection_label.text() and form.config().label == "normal"
    assert form.editors["lesion_types"].widget.count() == 0  # normal tissue has no types


def test_metric_buffer_grows_and_keeps_every_point():
    buf = MetricBuffer(["loss_d", "loss_g"], capacity=4)
    for step in range(1, 3001):
        buf.append(step, {"loss_d": step / 10, "loss_g": -step})
    assert buf.size == 3000 and buf.steps[-1] == 3000
    assert np.array_equal(buf.column("loss_g"), -np.arange(1, 3001))
    buf.append(3001, {"loss_d": 1.0})  # a missing key is a gap, not a crash
    assert np.isnan(buf.column("loss_g")[-1])


def test_curves_redraw_from_the_timer_not_per_event(qtbot):
    curves = LiveCurves()
    qtbot.addWidget(curves)
    values = {"loss_d": 1.0, "loss_g": 2.0, "d_x": 0.6, "d_g_z": 0.4}
    for step in range(1, 101):
        curves.append(StepMetrics(step, 0, values))
    assert curves.items["loss_d"].xData is None or len(curves.items["loss_d"].xData) == 0
    assert curves.timer.isActive()
    qtbot.waitUntil(lambda: curves.items["d_g_z"].xData is not None)
    assert len(curves.items["d_g_z"].xData) == 100
    qtbot.waitUntil(lambda: not curves.timer.isActive())  # idle: the timer stops


def test_eta_follows_the_recent_rate():
    rate = RateWindow(window_s=10)
    for t, step in ((0, 0), (5, 50), (8, 60), (12, 100)):
        rate.add(step, now=t)
    assert rate.rate() == pytest.approx((100 - 50) / (12 - 5))  # the point at t=0 left the window
    assert format_eta(45) == "45 s" and format_eta(125) == "2 min 05 s"
    assert format_eta(3 * 3600 + 60) == "3 h 01 min"
    assert gpu_memory("cpu") == "–"


def test_status_shows_the_end_of_a_stopped_run(qtbot):
    status = TrainingStatus()
    qtbot.addWidget(status)
    status.reset("run-1", epochs=10)
    status.show_event(Progress(8, 40, unit="steps"))
    summary = {"steps": 9, "epochs": 2, "images_per_s": 12.5, "device": "cpu", "status": "stopped"}
    status.show_event(Finished(summary))
    assert status.values["Step"].text() == "9 / 40" and status.bar.value() == 9
    assert status.state.text().startswith("Stopped at step 9")
