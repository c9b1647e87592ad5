"""Parts of the Train panel without training: the form built from TrainConfig, the curve
buffers and redraw timer, the ETA and the status of a finished run."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.training_view.curves import LiveCurves, MetricBuffer
from app.training_view.form import HyperparameterForm
from app.training_view.status import RateWindow, TrainingStatus, format_eta, gpu_memory
from mammogan_core import settings
from mammogan_core.events import Finished, Progress, StepMetrics
from mammogan_core.training import PRESETS, TrainConfig
from mammogan_core.training.config import PRESET_NOTES
from mammogan_core.training.results import TrainResult


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_form_has_an_editor_per_setting_and_round_trips_every_preset(qtbot, name):
    form = HyperparameterForm()
    qtbot.addWidget(form)
    names = {sf.name for sf in settings.fields_of(TrainConfig)}
    assert set(form.editors) == names - {"preset"}  # the preset is the combo on top
    offered = [form.preset_box.itemText(i) for i in range(form.preset_box.count())]
    assert offered == [p for p in PRESETS if p != "tiny"]  # tests only: hidden from users
    form.set_value(PRESETS[name])
    assert form.value() == PRESETS[name]
    assert form.preset_note.text() == PRESET_NOTES[name]
    assert all(form.row_label[n].text().endswith(":") for n in form.editors)


def test_model_sizes_read_default_and_advanced_settings_open_on_a_problem(qtbot):
    form = HyperparameterForm()
    qtbot.addWidget(form)
    nz = form.editors["nz"].widget
    assert nz.text() == "default" and form.value().nz is None  # the preset's size, not 0
    assert not form.boxes["Advanced"].isVisibleTo(form)
    nz.setValue(16)
    assert form.value().nz == 16
    form.editors["lr_gamma"].widget.setValue(0)  # advanced: shown with its reason
    assert form.value() is None and form.boxes["Advanced"].isVisibleTo(form)
    assert "LR decay γ: must be above 0" in form.problem_text()


def test_form_counts_the_selected_patches(qtbot):
    form = HyperparameterForm()
    qtbot.addWidget(form)
    form.set_patch_counts(
        [
            ("lesion", "mass", "train", "malignant", 20),
            ("lesion", "mass", "train", "benign", 10),
            ("lesion", "calcification", "test", "benign", 5),
            ("normal", None, "train", None, 100),
        ]
    )
    assert "30" in form.selection_label.text() and form.value() is not None  # train masses
    types, split = form.editors["lesion_types"].widget, form.editors["split"].widget
    assert [split.itemText(i) for i in range(split.count())] == ["all", "train", "test"]
    for item in types.items():  # alyafi2020 takes masses: tick every type
        item.setCheckState(Qt.CheckState.Checked)
    split.setCurrentText("all")
    assert "35" in form.selection_label.text() and form.value().lesion_types is None
    benign = form.editors["pathology"].widget.items()[0]
    assert benign.text() == "benign"
    benign.setCheckState(Qt.CheckState.Unchecked)
    assert "20" in form.selection_label.text()
    assert form.value().pathology == ("malignant", "unknown")
    split.setCurrentText("test")
    assert form.value() is None and "No patches match" in form.selection_label.text()
    assert "Split: no lesion patches of these types in split test" in form.problem_text()
    form.editors["label"].widget.setCurrentText("normal")
    assert types.count() == 0  # normal tissue has no types
    form.editors["pathology"].widget.items()[0].setCheckState(Qt.CheckState.Checked)
    split.setCurrentText("train")
    assert "100" in form.selection_label.text() and form.value().label == "normal"


def test_normal_tissue_is_not_filtered_by_the_lesion_preset(qtbot):
    """alyafi2020 takes masses; switching to normal tissue drops the finding filters (normal
    patches have no finding) instead of selecting nothing."""
    form = HyperparameterForm()
    qtbot.addWidget(form)
    form.set_value(PRESETS["alyafi2020"])
    form.set_patch_counts(
        [
            ("lesion", "mass", "train", "benign", 10),
            ("lesion", "calcification", "train", "benign", 4),
            ("normal", None, "train", None, 100),
        ]
    )
    assert form.value().lesion_types == ("mass",)
    form.editors["label"].widget.setCurrentText("normal")
    assert "100" in form.selection_label.text()
    assert form.value().lesion_types is None and form.value().pathology is None
    assert not form.editors["lesion_types"].widget.isEnabled()
    form.editors["label"].widget.setCurrentText("lesion")
    assert form.editors["pathology"].widget.isEnabled()
    assert "14" in form.selection_label.text()  # back to lesions: every type, as cleared


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


def test_a_few_points_with_a_missing_series_draw_as_dots_without_errors(qtbot):
    """Early in a run the points are dots; a value the run never reports (NaN) is left out,
    not handed to the scatter (whose bounds fail on an all-NaN series)."""
    curves = LiveCurves()
    qtbot.addWidget(curves)
    curves.show()
    for step in (1, 2, 3):
        curves.append(StepMetrics(step, 0, {"loss_d": 1.0 / step, "loss_g": 2.0}))
    curves.redraw()
    qtbot.wait(50)  # a paint: the scatter's bounds are asked for
    assert curves.items["loss_d"].opts["symbol"] == "o"
    assert list(curves.items["loss_d"].xData) == [1, 2, 3]
    assert curves.items["d_x"].xData is None or len(curves.items["d_x"].xData) == 0


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
    status.show_event(Finished(TrainResult("run-1", "d", 9, 2, "c.pt", 0, 12.5, "cpu", "stopped")))
    assert status.values["Step"].text() == "9 / 40" and status.bar.value() == 9
    assert status.state.text().startswith("Stopped at step 9")


def test_the_augmentation_plot_draws_ada_p_and_r_t(qtbot, tmp_path):
    curves = LiveCurves()
    qtbot.addWidget(curves)
    curves.resize(1280, 260)
    curves.show()
    for step in range(1, 61):  # p climbs while r_t is above ADA's target, as a run shows it
        p = min(1.0, step / 40)
        curves.append(StepMetrics(step, 0, {"loss_d": 1.0, "r_t": 0.9 - 0.4 * p, "aug_p": p}))
    curves.redraw()
    titles = [plot.getPlotItem().titleLabel.text for plot in curves.plots]
    assert "Augmentation" in titles[-1] and "r_t" in titles[-1]
    assert list(curves.items["aug_p"].yData[-2:]) == [1.0, 1.0]
    assert curves.items["r_t"].yData[0] == pytest.approx(0.89)
    assert curves.grab().save(str(tmp_path / "curves.png"))  # the test renders it


@pytest.mark.parametrize(("gpu", "preset"), [(False, "cpu"), (True, "alyafi2020")])
def test_the_form_starts_on_the_preset_that_fits_the_machine(qtbot, monkeypatch, gpu, preset):
    from mammogan_core.training import machine

    monkeypatch.setattr(machine, "has_gpu", lambda: gpu)
    form = HyperparameterForm()
    qtbot.addWidget(form)
    assert form.preset_box.currentText() == preset and form.value() == PRESETS[preset]
    assert form.preset_box.findText("tiny") < 0
