"""The Review panel, driven as people use it: a reader opens a package with File > Open review
package, answers by keyboard only (keys sent to the focused widget), undoes, leaves and comes
back where they stopped; the organiser makes a set from the demo run, reads it and sees the
report. Pictures of both views are saved (MAMMOGAN_SCREENSHOTS=DIR keeps them)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from app.file_views import ImageDialog
from mammogan_core.review.package import write_package
from mammogan_core.review.reading import read_answers_file

TIMEOUT = 120_000
N_IMAGES = 6


@pytest.fixture
def package_dir(tmp_path) -> Path:
    """A small package written by the core's own writer (ids random-looking, no key)."""
    rng = np.random.default_rng(3)
    images = [(f"{rng.integers(16**9):09x}", rng.integers(0, 256, (128, 128), np.uint8))
              for _ in range(N_IMAGES)]  # fmt: skip
    description = {"set_id": "s3t1d", "title": "Test set", "instructions": "Real or not?",
                   "order_seed": "5eed", "bits": 8, "display": {"zoom": 2}}  # fmt: skip
    folder = tmp_path / "package"
    write_package(folder, description, images)
    return folder


def fill_reader_dialog(name: str | None) -> None:
    """When the reader dialog opens: type `name` (None: keep what it remembers) and start."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert type(dialog).__name__ == "ReaderDialog"
        if name is not None:
            dialog.name_edit.selectAll()
            QTest.keyClicks(dialog.name_edit, name)
            dialog.years_box.setValue(7)
        assert dialog.reader().name
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # the default button: Start

    QTimer.singleShot(0, fill)


def press(*keys, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    for key in keys:
        QTest.keyClick(QApplication.focusWidget(), key, modifier)


def open_package_by_menu(qtbot, main_window, monkeypatch, folder: Path, reader: str | None):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    fill_reader_dialog(reader)
    action = next(
        a
        for m in main_window.menuBar().actions()
        if m.text() == "&File"
        for a in m.menu().actions()
        if a.text() == "Open &review package…"
    )
    action.trigger()
    panel = main_window.stack.currentWidget()
    assert type(panel).__name__ == "ReviewPanel"
    assert panel.pages.currentWidget() is panel.reading
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reading)  # the keys go there
    return panel, panel.reading


def save_picture(window, name: str, folder: Path) -> Path:
    """The whole window at a usual size, for a person to look at."""
    folder = Path(os.environ.get("MAMMOGAN_SCREENSHOTS", "") or folder)
    window.resize(1280, 800)
    QTest.qWait(50)
    path = folder / name
    assert window.grab().save(str(path))
    return path


def test_the_panel_opens_from_the_sidebar(main_window):
    main_window.nav.setCurrentRow(main_window._names.index("review"))
    panel = main_window.stack.currentWidget()
    assert type(panel).__name__ == "ReviewPanel"
    assert panel.pages.currentWidget() is panel.organiser
    assert "Open a workspace" in panel.organiser.status.text()
    assert not panel.organiser.create_button.isEnabled()


def test_a_reader_answers_by_keyboard_undoes_and_resumes(
    qtbot, main_window, monkeypatch, package_dir
):
    panel, view = open_package_by_menu(qtbot, main_window, monkeypatch, package_dir, "Dr Keys")
    session = view.session
    assert view.image.zoom == 2  # the package's starting zoom
    seen = [view.image_id]
    press(Qt.Key.Key_R, Qt.Key.Key_4)  # real, confidence 4: saved, next image
    seen.append(view.image_id)
    press(Qt.Key.Key_S, Qt.Key.Key_2)
    seen.append(view.image_id)
    press(Qt.Key.Key_3)  # a confidence without a call saves nothing
    assert "First the call" in view.status.text()
    press(Qt.Key.Key_S, Qt.Key.Key_5)
    assert seen == list(session.order[:3]) and view.position == 3
    on_disk = read_answers_file(session.path)
    assert [(a.call, a.confidence) for a in on_disk.history] == [
        ("real", 4), ("synthetic", 2), ("synthetic", 5)
    ]  # fmt: skip
    assert on_disk.reader.years == 7
    assert "Image 4 of 6 · 3 left" in view.count_label.text()

    press(Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)  # undo the last answer
    assert view.position == 2 and session.answered == 2
    assert len(read_answers_file(session.path).history) == 2
    press(Qt.Key.Key_Left, Qt.Key.Key_Left)  # back to the first image: the answer given shows
    assert view.position == 0 and view.call_buttons["real"].isChecked()
    assert "Your answer: Real, confidence 4" in view.status.text()
    press(Qt.Key.Key_S, Qt.Key.Key_1)  # changed; on to the next image
    assert view.position == 1 and session.answers[session.order[0]].call == "synthetic"
    press(Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right)  # not past the first unanswered
    assert view.position == 2
    press(Qt.Key.Key_P)  # pause: the image is hidden, answers are refused
    assert view.pages.currentWidget() is view.paused_label and not view.clock.running
    press(Qt.Key.Key_R, Qt.Key.Key_1)
    assert session.answered == 2
    press(Qt.Key.Key_P)
    assert view.pages.currentWidget() is view.image and view.clock.running
    main_window.show_panel("welcome")  # out of sight, the reading time stops too
    assert not view.clock.running
    main_window.show_panel("review")
    assert view.clock.running
    save_picture(main_window, "review_reading.png", package_dir.parent)

    QTest.mouseClick(view.close_button, Qt.MouseButton.LeftButton)  # leave mid-way
    assert panel.pages.currentWidget() is panel.organiser
    # back later: the reader dialog remembers the reader; reading resumes where it stopped
    panel, view = open_package_by_menu(qtbot, main_window, monkeypatch, package_dir, None)
    assert view.session is not session and view.session.reader.name == "Dr Keys"
    assert view.position == 2 and view.session.answered == 2
    for _ in range(N_IMAGES - 2):
        press(Qt.Key.Key_R, Qt.Key.Key_3)
    assert view.session.done and view.pages.currentWidget() is view.finished_label
    assert "All 6 images are answered" in view.finished_label.text()
    assert len(read_answers_file(view.session.path).history) == N_IMAGES


def test_nothing_on_screen_names_an_image(qtbot, main_window, monkeypatch, package_dir):
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget

    _panel, view = open_package_by_menu(qtbot, main_window, monkeypatch, package_dir, "Dr Blind")
    frame = view.image.label.size()
    for _ in range(N_IMAGES):
        widgets = view.findChildren(QWidget)
        texts = [w.text() for w in widgets if isinstance(w, (QLabel, QPushButton))]
        texts += [w.toolTip() for w in widgets] + [view.windowTitle()]
        assert not any(i in t for i in view.session.order for t in texts)
        assert view.image.label.size() == frame  # the same frame for every image
        press(Qt.Key.Key_S, Qt.Key.Key_3)


def test_full_screen_and_back(qtbot, main_window, monkeypatch, package_dir):
    panel, view = open_package_by_menu(qtbot, main_window, monkeypatch, package_dir, "Dr Wide")
    press(Qt.Key.Key_F11)
    assert view.isWindow() and view.isFullScreen()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    press(Qt.Key.Key_R, Qt.Key.Key_2)  # reading goes on in full screen
    assert view.session.answered == 1
    press(Qt.Key.Key_Escape)
    assert not view.isWindow() and view.parent() is panel.pages
    assert view.isVisible() and panel.pages.currentWidget() is view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)


def test_zoom_keys_and_window_level_by_mouse(qtbot, main_window, monkeypatch, tmp_path):
    images = [("a1", np.tile(np.arange(128, dtype=np.uint8) * 2, (128, 1)))]
    description = {"set_id": "wl", "title": "", "instructions": "", "order_seed": "1",
                   "bits": 8, "display": {"zoom": 3, "window_level": True}}  # fmt: skip
    write_package(tmp_path / "wl", description, images)
    _panel, view = open_package_by_menu(qtbot, main_window, monkeypatch, tmp_path / "wl", "Dr W")
    label = view.image.label
    assert view.image.zoom == 3 and label.width() == round(128 * 3 / label.devicePixelRatioF())
    press(Qt.Key.Key_Plus)
    assert view.image.zoom == 4 and label.width() == round(128 * 4 / label.devicePixelRatioF())
    press(Qt.Key.Key_Minus, Qt.Key.Key_Minus, Qt.Key.Key_Minus, Qt.Key.Key_Minus)
    assert view.image.zoom == 0  # fit
    before = label.image.pixel(10, 5)
    assert view.window_box.isVisible()  # the package lets readers change the window
    QTest.mouseClick(view.window_box, Qt.MouseButton.LeftButton)
    start = label.rect().center()
    QTest.mousePress(label, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(label, start + QPoint(-120, 60))  # narrower and brighter
    QTest.mouseRelease(label, Qt.MouseButton.LeftButton, pos=start + QPoint(-120, 60))
    assert view.image.width < 255 and view.image.centre > 127.5
    assert label.image.pixel(10, 5) != before
    QTest.mouseClick(view.window_box, Qt.MouseButton.LeftButton)  # off: the full range again
    assert (view.image.centre, view.image.width) == (127.5, 255.0)
    assert QApplication.focusWidget() is view  # the keys still reach the reading view


def test_an_altered_package_is_refused_with_the_file_named(
    main_window, monkeypatch, package_dir, dialogs_log
):
    image = next((package_dir / "images").iterdir())
    data = bytearray(image.read_bytes())
    data[-20] ^= 1
    image.write_bytes(bytes(data))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(package_dir))
    assert not main_window.open_review_package()
    title, message, _details = dialogs_log["errors"][-1]
    assert title == "Cannot open the review package"
    assert image.name in message and "altered" in message


def test_the_organiser_makes_a_set_reads_it_imports_answers_and_sees_the_report(
    qtbot, main_window, monkeypatch, demo_ws, dialogs_log, tmp_path
):
    from PySide6.QtWidgets import QInputDialog

    assert main_window.open_workspace(demo_ws)
    panel = main_window.show_panel("review")
    organiser = panel.organiser
    assert "No review set yet" in organiser.status.text()
    editors = organiser.form.editors
    for name, value in (("real", 2), ("synthetic", 2), ("repeat", 1)):
        editors[name].widget.selectAll()
        QTest.keyClicks(editors[name].widget, str(value))
    editors["split"].widget.setCurrentText("all")  # the demo's two lesions are in train
    assert organiser.form.value() is not None, organiser.form.problem_text()
    QTest.mouseClick(organiser.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: organiser._create is None and organiser.table.rowCount() == 1,
                    timeout=TIMEOUT)  # fmt: skip
    info = organiser.sets[0]
    assert (info.real, info.synthetic, info.repeats, info.images) == (2, 2, 1, 5)
    assert "2 real and 2 synthetic" in organiser.create_status.text()
    assert organiser.selected_set() == info.set
    assert "no answers yet" in organiser.report_view.heading.text()
    assert "No review set yet" not in organiser.status.text()
    assert "1 review set: select one" in organiser.status.text()
    header = organiser.report_view.table.horizontalHeaderItem
    columns = [header(c).text() for c in range(organiser.report_view.table.columnCount())]
    assert "Seconds, real" in columns and "Seconds, synthetic" in columns

    out = tmp_path / "for-reader"  # a package for a reader elsewhere: no key in it
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    QTest.mouseClick(organiser.export_button, Qt.MouseButton.LeftButton)
    assert (out / "review.json").is_file() and not list(out.rglob("key*"))
    assert str(out) in organiser.status.text()

    key_file = tmp_path / "key.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(key_file), ""))
    QTest.mouseClick(organiser.key_button, Qt.MouseButton.LeftButton)
    with open(key_file, newline="") as fh:
        key = list(csv.DictReader(fh))
    assert list(key[0]) == ["image_id", "truth", "source"] and len(key) == info.images
    truth = {row["image_id"]: row["truth"] for row in key}
    fooling = min(
        r["image_id"] for r in key if r["truth"] == "synthetic" and "repeat" not in r["source"]
    )

    fill_reader_dialog("Dr Organiser")  # the organiser reads the set here, by keyboard
    QTest.mouseClick(organiser.read_button, Qt.MouseButton.LeftButton)
    view = panel.reading
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    for i in range(info.images):  # right but for one synthetic image (and its repeat)
        fooled = view.image_id == fooling or fooling in next(
            r["source"] for r in key if r["image_id"] == view.image_id
        )
        call = "real" if fooled else truth[view.image_id]
        press(Qt.Key.Key_R if call == "real" else Qt.Key.Key_S, Qt.Key.Key_1 + i % 5)
    assert view.session.done
    order = view.session.order
    QTest.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentWidget() is organiser
    assert "Dr Organiser (done)" in organiser.table.item(0, 6).text()
    qtbot.waitUntil(lambda: organiser.report_view.table.rowCount() == 2, timeout=TIMEOUT)

    # a second reader's paper form, transcribed; importing it twice is refused
    transcribed = tmp_path / "paper.csv"
    rows = [f"{image_id},real,{1 + i % 5}" for i, image_id in enumerate(order)]
    transcribed.write_text("image_id,call,confidence\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(transcribed), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Dr Paper", True))
    QTest.mouseClick(organiser.import_button, Qt.MouseButton.LeftButton)
    assert "Imported 5 answers of Dr Paper (transcribed)" in organiser.status.text()
    qtbot.waitUntil(lambda: organiser.report_view.table.rowCount() == 3, timeout=TIMEOUT)
    table = organiser.report_view.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    pooled = "pooled (descriptive only)"
    assert set(rows) == {"Dr Organiser", "Dr Paper (transcribed)", pooled}
    assert list(rows)[-1] == pooled and table.item(rows[pooled], 8).text() == "–"  # no test
    paper = rows["Dr Paper (transcribed)"]  # called every image real (exact intervals):
    assert (table.item(paper, 5).text(), table.item(paper, 6).text()) == (
        "0% (0%–84%)",
        "100% (16%–100%)",
    )
    assert table.item(rows["Dr Organiser"], 4).text() == "75% (19%–99%)"  # 3 of 4 first showings
    # readers and images random: the figures and the verdict (2 readers, 4 images: too few)
    mrmc = organiser.report_view.mrmc
    figures = [mrmc.item(r, 0).text() for r in range(mrmc.rowCount())]
    assert figures == ["AUC (reader-averaged)", "accuracy", "sensitivity", "specificity"]
    assert mrmc.item(1, 1).text() == "0.625"  # (3 + 2) / 8
    verdict = organiser.report_view.verdict.text()
    assert "Inconclusive: too few readers or images" in verdict and "2 readers, 4 images" in verdict
    assert "Fleiss' κ" in organiser.report_view.agreement.text()
    assert "Dr Organiser – Dr Paper" in organiser.report_view.agreement.text()
    report = organiser.report_view.report
    assert [f["image_id"] for f in report.fooled] == [fooling]  # it fooled both readers...
    assert organiser.report_view.fooled_grid.count() == 1  # ...shown with its caption
    planner = organiser.planner  # these readers as the pilot of the next study's size
    QTest.mouseClick(planner.pilot_button, Qt.MouseButton.LeftButton)
    assert planner.form.value().pilot == info.set
    QTest.mouseClick(planner.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: planner.plan is not None and planner.button.isEnabled(),
                    timeout=TIMEOUT)  # fmt: skip
    assert planner.plan.method == f"pilot set {info.set}"
    assert f"pilot set {info.set}" in planner.result.text()
    QTest.mouseClick(organiser.import_button, Qt.MouseButton.LeftButton)
    title, message, _ = dialogs_log["errors"][-1]
    assert title == "Answers not imported" and "duplicate" in message

    # the report page is a picture: shown in the app, no launcher needed
    QTest.mouseClick(organiser.report_view.page_button, Qt.MouseButton.LeftButton)
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImageDialog)]
    assert [d.path for d in shown] == [Path(report.png)] and not shown[0].pixmap.isNull()
    save_picture(main_window, "review_organiser.png", tmp_path)


def test_reading_time_counts_only_while_the_image_can_be_seen():
    from app.review_view.clock import ReadingClock

    now = [100.0]
    clock = ReadingClock(lambda: now[0])
    clock.restart()
    now[0] = 102.0
    clock.set_paused(True)  # the reader paused for a while
    now[0] = 160.0
    clock.set_paused(False)
    now[0] = 161.5
    clock.set_hidden(True)  # another window came to the front
    now[0] = 300.0
    assert clock.seconds == 3.5 and not clock.running
    clock.restart()  # the next image, still in the background: nothing counts yet
    now[0] = 310.0
    assert clock.seconds == 0.0
    clock.set_hidden(False)
    now[0] = 311.0
    assert clock.seconds == 1.0 and clock.running


def test_the_planner_sizes_a_study_before_a_set_is_made(qtbot, main_window, tmp_path):
    from mammogan_core.review.options import PlanOptions

    panel = main_window.show_panel("review")
    planner = panel.organiser.planner
    planner.form.set_value(PlanOptions(readers=(3, 12), images=(40, 320), studies=150))
    QTest.mouseClick(planner.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: planner.plan is not None and planner.button.isEnabled(),
                    timeout=TIMEOUT)  # fmt: skip
    table = planner.table
    assert (table.rowCount(), table.columnCount()) == (2, 2)
    assert table.verticalHeaderItem(1).text() == "12 readers"
    assert float(table.item(0, 0).text()) < 0.3 and float(table.item(1, 1).text()) >= 0.8
    assert "Fewest readings with power ≥ 0.8: 12 readers × 320 images" in planner.result.text()
    panel.organiser.tabs.setCurrentIndex(1)
    save_picture(main_window, "review_planner.png", tmp_path)
