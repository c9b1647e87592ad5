"""Before Qt is loaded, the launcher says why no window can open and what to do (Qt itself
aborts the process with a core dump), and a headless install says how to get the app."""

from __future__ import annotations

import os

import pytest

from app import display_check, entry
from app.display_check import NO_DISPLAY, XCB_LIBRARIES, display_problem, missing_xcb_packages

ALL_LOAD = lambda soname: True  # noqa: E731
SERVER_OK = lambda display: False  # noqa: E731


def fresh_debian(soname: str) -> bool:
    """A fresh Debian desktop as a new user met it: these three libraries missing."""
    return soname not in {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"}


def test_missing_xcb_libraries_are_named_as_packages_to_install():
    problem = display_problem({"DISPLAY": ":0"}, "linux", fresh_debian, SERVER_OK)
    assert problem is not None
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in problem
    assert missing_xcb_packages(fresh_debian) == [
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
    ]


def test_every_checked_library_has_its_package():
    asked: list[str] = []
    missing_xcb_packages(lambda soname: asked.append(soname) or False)
    assert asked == list(XCB_LIBRARIES)
    assert "libxcb-cursor.so.0" in asked and "libxkbcommon-x11.so.0" in asked


def test_a_display_with_its_libraries_is_fine():
    assert display_problem({"DISPLAY": ":0"}, "linux", ALL_LOAD, SERVER_OK) is None


def test_an_x_server_that_refuses_is_said_so():
    problem = display_problem({"DISPLAY": ":7"}, "linux", ALL_LOAD, lambda display: True)
    assert problem is not None and "DISPLAY=:7 refuses" in problem


def test_no_display_points_to_the_cli_and_offscreen():
    problem = display_problem({}, "linux", ALL_LOAD, SERVER_OK)
    assert problem == NO_DISPLAY
    assert "mammogan --help" in problem and "QT_QPA_PLATFORM=offscreen" in problem


@pytest.mark.parametrize(
    "env",
    [
        {"QT_QPA_PLATFORM": "offscreen"},  # the user chose a platform without xcb
        {"WAYLAND_DISPLAY": "wayland-0"},  # Qt takes its wayland plugin
        {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
    ],
)
def test_other_platforms_are_not_checked_for_xcb(env):
    assert display_problem(env, "linux", lambda soname: False, SERVER_OK) is None


def test_forcing_xcb_checks_its_libraries():
    env = {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert "libxcb-icccm4" in (display_problem(env, "linux", fresh_debian, SERVER_OK) or "")


def test_only_linux_is_checked():
    assert display_problem({}, "darwin", lambda soname: False, SERVER_OK) is None
    assert display_problem({}, "win32", lambda soname: False, SERVER_OK) is None


def test_this_machine_answers_without_raising():
    """The real loader and the real environment (offscreen in tests): no problem to report."""
    assert display_check.window_problem() is None


@pytest.fixture
def no_display(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    # as on Linux, whatever this machine is
    monkeypatch.setattr(
        display_check,
        "display_problem",
        lambda env=None: display_problem(dict(os.environ), "linux", ALL_LOAD, SERVER_OK),
    )


def test_gui_without_a_display_exits_2_before_qt(no_display, tmp_path, capsys):
    from mammogan_core.workspace import Workspace

    Workspace.create(tmp_path / "ws").close()
    assert entry.main(["gui", "--workspace", str(tmp_path / "ws")]) == 2
    err = capsys.readouterr().err
    assert "cannot open the app: there is no display" in err
    assert f"mammogan gui --workspace {tmp_path / 'ws'}" in err


def test_no_arguments_without_the_gui_extra_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setattr(display_check, "gui_installed", lambda: False)
    assert entry.main([]) == 2
    err = capsys.readouterr().err
    assert 'pip install "mammogan[gui]"' in err and "mammogan --help" in err


def test_an_unknown_panel_lists_the_app_panels(capsys):
    assert entry.main(["gui", "--panel", "trian"]) == 2
    err = capsys.readouterr().err
    assert "no panel named 'trian'" in err and "welcome, data, browse, train" in err


def test_demo_without_a_display_keeps_its_workspace_and_exits_0(no_display, tmp_path, capsys):
    folder = tmp_path / "demo"
    code = entry.main(
        ["demo", "--workspace", str(folder), "--images", "1", "--no-train", "--quiet"]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "cannot open the app: there is no display" in err
    assert f"open it later with\n  mammogan gui --workspace {folder}" in err
    assert (folder / "workspace.json").is_file()
