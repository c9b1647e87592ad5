"""The data panel: import a folder of real DICOM files with a generic CSV, see the summary and
the broken file, extract patches, and see the workspace counts change."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from mammogan_core import settings as st
from mammogan_core.extraction import ExtractParams, ExtractResult, ExtractRun
from mammogan_core.importing import ImportOptions, ImportResult
from mammogan_core.io import write_mammogram_dicom
from mammogan_core.workspace import Workspace

CSV_HEADER = "image,patient_id,laterality,view,label,pathology,x1,y1,x2,y2,cx,cy,r,mask\n"


def breast(rows: int = 512, cols: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    inside = (x / (0.9 * cols)) ** 2 + ((y - rows / 2) / (0.47 * rows)) ** 2 < 1
    img = np.where(inside, 1500 + 400 * rng.standard_normal((rows, cols)), 0)
    return np.clip(img, 0, 4095).astype(np.uint16)


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "dataset"
    folder.mkdir()
    for i, lat in enumerate(("L", "R", "L")):
        write_mammogram_dicom(
            folder / f"case{i}.dcm", breast(seed=i), laterality=lat, view="CC", patient_id=f"P{i}"
        )
    (folder / "broken.dcm").write_bytes(b"DICM but not really a DICOM file at all")
    csv = folder / "labels.csv"
    csv.write_text(
        CSV_HEADER
        + "case0.dcm,P0,L,CC,mass,malignant,100,150,180,230,,,,\n"
        + "case1.dcm,P1,R,CC,calcification,benign,,,,,120,200,15,\n"
        + "case2.dcm,P2,L,CC,normal,,,,,,,,,\n"
        + "missing.dcm,P9,L,CC,mass,benign,10,10,50,50,,,,\n"
        + "broken.dcm,P8,L,CC,mass,benign,10,10,50,50,,,,\n"
    )
    return folder, csv


def type_into(qtbot, widget, text: str) -> None:
    """Replace a field's text by typing, as a person does (line edits, spin boxes, combos)."""
    line = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() else widget
    line.selectAll()
    qtbot.keyClicks(widget, text)


def fill_import(qtbot, panel, folder, csv, filters: str = "") -> None:
    editors = panel.import_form.editors
    type_into(qtbot, editors["source"].widget.edit, str(folder))
    qtbot.keyClicks(editors["format"].widget, "generic")  # the combo's keyboard search
    type_into(qtbot, editors["annotations"].widget.edit, str(csv))
    if filters:
        type_into(qtbot, editors["filter"].widget, filters)


@pytest.fixture
def panel(main_window, tmp_path):
    from mammogan_core.workspace import Workspace

    Workspace.create(tmp_path / "study").close()
    assert main_window.open_workspace(tmp_path / "study")
    return main_window.show_panel("data")


def test_import_shows_summary_and_errors_then_extraction_updates_counts(
    qtbot, main_window, panel, dataset
):
    folder, csv = dataset
    assert "0</b> images" in panel.counts_label.text()
    fill_import(qtbot, panel, folder, csv, "Modality=MG; Manufacturer!=nobody, Inc.")
    assert panel.import_form.value() == ImportOptions(
        str(folder), "generic", str(csv), ("Modality=MG", "Manufacturer!=nobody, Inc.")
    )
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        panel.import_button.click()
    assert not panel.import_button.isEnabled()  # no second import while one runs
    with qtbot.waitSignal(started.args[0].finished, timeout=30_000) as done:
        pass
    result = done.args[0]
    assert isinstance(result, ImportResult) and result.images == 3 and result.status == "finished"
    text = panel.summary_label.text()
    assert "<b>3</b> images" in text and "<b>2</b> findings" in text
    assert "mass 1" in text and "calcification 1" in text
    cells = [
        panel.issues.item(r, c).text() for r in range(panel.issues.rowCount()) for c in range(3)
    ]
    assert any("broken.dcm" in c for c in cells)
    assert any("missing.dcm" in c for c in cells)
    qtbot.waitUntil(lambda: panel.import_button.isEnabled())
    assert "<b>3</b> images, <b>2</b> findings" in panel.counts_label.text()

    type_into(qtbot, panel.params_form.editors["normal_per_image"].widget, "3")
    type_into(qtbot, panel.run_form.editors["workers"].widget, "1")
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        panel.extract_button.click()
    assert panel.progress.isVisible()
    with qtbot.waitSignal(started.args[0].finished, timeout=60_000) as done:
        pass
    s = done.args[0]
    assert isinstance(s, ExtractResult) and s.status == "finished" and s.workers == 1
    assert s.lesion_patches == 2 and s.normal_patches > 0 and s.preset == "custom"
    qtbot.waitUntil(lambda: panel.extract_button.isEnabled())
    assert f"<b>{s.normal_patches}</b> normal patches" in panel.counts_label.text()
    assert "Extracted <b>2</b> lesion" in panel.summary_label.text()
    assert not panel.progress.isVisible()
    # the charts count what the catalogue holds
    bars = panel.overview.bars
    assert sum(bars["findings"].opts["height"]) == 2
    assert sum(bars["lesion"].opts["height"]) == 2
    assert sum(bars["normal"].opts["height"]) == s.normal_patches
    # the browser sees the new patches
    browse = main_window.show_panel("browse")
    assert browse.browser.model.rowCount() == 2 + s.normal_patches
    # reopened later, the workspace still shows what its import skipped and why
    reported, root = panel.issues.rowCount(), main_window.ctx.workspace.root
    Workspace.create(root.parent / "other").close()
    assert main_window.open_workspace(root.parent / "other")
    assert panel.issues.rowCount() == 0
    assert main_window.open_workspace(root)
    assert panel.issues.rowCount() == reported > 0


def test_bad_header_filter_is_explained_and_nothing_starts(qtbot, main_window, panel, dataset):
    fill_import(qtbot, panel, *dataset, "this is not a filter")
    assert panel.import_form.value() is None
    assert panel.import_form.editors["filter"].widget.property("invalid")
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert not main_window.ctx.tasks.running
    assert "Header filters: bad filter" in panel.summary_label.text()
    assert "expected Keyword=Value" in panel.summary_label.text()


def test_paths_are_chosen_with_browse_and_checked_on_disk(
    qtbot, main_window, panel, dataset, monkeypatch
):
    folder, csv = dataset
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(folder))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(csv), ""))
    editors = panel.import_form.editors
    qtbot.mouseClick(editors["source"].widget.browse_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editors["annotations"].widget.browse_button, Qt.MouseButton.LeftButton)
    assert panel.import_form.value() == ImportOptions(str(folder), annotations=str(csv))
    type_into(qtbot, editors["source"].widget.edit, str(folder / "nowhere"))
    assert panel.import_form.problems == {"source": "no such folder"}
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert not main_window.ctx.tasks.running
    assert "Source folder: no such folder" in panel.summary_label.text()


def test_every_setting_has_its_editor_and_the_preset_fills_the_form(qtbot, panel):
    for form, cls in (
        (panel.import_form, ImportOptions),
        (panel.run_form, ExtractRun),
        (panel.params_form, ExtractParams),
    ):
        assert list(form.editors) == [sf.name for sf in st.fields_of(cls)], cls.__name__
    assert panel.run_form.value() == ExtractRun()  # the CLI's defaults: workers = the cores
    assert "<b>default</b> preset" in panel.preset_label.text()
    advanced = panel.params_form.boxes["Advanced"]
    assert not advanced.isVisible()
    qtbot.mouseClick(panel.params_form.advanced_button, Qt.MouseButton.LeftButton)
    assert advanced.isVisible()

    type_into(qtbot, panel.params_form.editors["seed"].widget, "7")
    qtbot.keyClicks(panel.run_form.editors["preset"].widget, "seed")
    assert panel.params_form.value() == ExtractParams.preset("seed", seed=7)  # the seed kept
    assert "<b>seed</b> preset" in panel.preset_label.text()
    qtbot.keyClicks(panel.params_form.editors["lesion_shape"].widget, "square")
    assert "Custom settings" in panel.preset_label.text()

    qtbot.keyClicks(panel.params_form.editors["scale"].widget, "fixed")  # needs a resolution
    assert panel.params_form.value() is None
    assert "scale fixed needs it" in panel.params_form.problems["mm_per_px"]
    type_into(qtbot, panel.params_form.editors["mm_per_px"].widget, "0.2")
    assert panel.params_form.value().mm_per_px == 0.2


def test_panel_explains_itself_without_a_workspace(main_window):
    panel = main_window.show_panel("data")
    assert not panel.import_button.isEnabled()
    assert "No workspace open" in panel.counts_label.text()
    assert panel.findChildren(QLabel)


def _extract(qtbot, main_window, panel) -> ExtractResult:
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        panel.extract_button.click()
    with qtbot.waitSignal(started.args[0].finished, timeout=60_000) as done:
        pass
    qtbot.waitUntil(lambda: panel.extract_button.isEnabled())
    return done.args[0]


def test_changed_parameters_offer_to_extract_again(qtbot, main_window, panel, dataset, dialogs_log):
    from mammogan_core.control import Control
    from mammogan_core.importing.pipeline import import_dataset
    from mammogan_core.runner import drive

    folder, csv = dataset
    drive(import_dataset(panel.workspace, folder, "generic", csv, Control()), lambda ev: None)
    panel.workspace_changed()
    type_into(qtbot, panel.run_form.editors["workers"].widget, "0")
    type_into(qtbot, panel.params_form.editors["normal_per_image"].widget, "1")
    first = _extract(qtbot, main_window, panel)
    assert first.normal_patches == 3 and not dialogs_log["questions"]  # nothing to redo yet

    type_into(qtbot, panel.params_form.editors["normal_per_image"].widget, "2")
    dialogs_log["answers"].append(False)  # "keep what was extracted"
    panel.extract_button.click()
    assert not main_window.ctx.tasks.running
    _title, question = dialogs_log["questions"][-1]
    assert "normal_per_image: 1 -> 2" in question and "extract every image again" in question
    assert main_window.ctx.workspace.counts()["normal_patches"] == 3  # nothing discarded

    dialogs_log["answers"].append(True)
    again = _extract(qtbot, main_window, panel)
    assert again.images_done == 3 and again.normal_patches == 6  # redone, not added
    assert not dialogs_log["errors"]
