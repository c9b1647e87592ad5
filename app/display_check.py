"""Can the app open a window here? Asked before Qt is imported: when Qt cannot load its platform
plugin it aborts the process (a core dump) with a message that names no package to install.

Imports nothing from Qt, so that it also answers on a headless install without the GUI extra.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping

INSTALL_GUI = (
    "the desktop app is not installed (this is the headless install). Install it with\n"
    '  pip install "mammogan[gui]"        (from a clone: pip install -e ".[gui]")\n'
    "The command line works without it: mammogan --help"
)

# What Qt 6's xcb platform plugin (libqxcb.so, libQt6XcbQpa.so.6) and QtGui load, from their
# ELF NEEDED entries, with the Debian/Ubuntu package of each. libxcb-cursor0, libxcb-icccm4 and
# libxcb-keysyms1 are the ones a fresh desktop most often lacks.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
}

NO_DISPLAY = (
    "there is no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
    "Every step runs from the command line: mammogan --help (import, extract, train, "
    "generate).\nTo render the app without a screen, set QT_QPA_PLATFORM=offscreen, e.g.\n"
    "  QT_QPA_PLATFORM=offscreen mammogan gui --workspace DIR --panel train "
    "--screenshot train.png"
)


def gui_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("PySide6", "pyqtgraph"))


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_packages(loads: Callable[[str], bool] = _loads) -> list[str]:
    """The Debian/Ubuntu packages whose libraries the dynamic loader cannot find."""
    return sorted({pkg for soname, pkg in XCB_LIBRARIES.items() if not loads(soname)})


def _x_server_refuses(display: str) -> bool:
    """Whether libxcb cannot connect to `display` (Qt aborts in that case too)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return bool(xcb.xcb_connection_has_error(conn))
    finally:
        xcb.xcb_disconnect(conn)


def display_problem(
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    loads: Callable[[str], bool] = _loads,
    x_server_refuses: Callable[[str], bool] = _x_server_refuses,
) -> str | None:
    """Why Qt could not open a window here, with what to do; None when nothing is known to
    stand in the way. Only Linux is checked: elsewhere Qt's plugins ship with the wheel."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose, Qt reports its own errors
    display = env.get("DISPLAY", "")
    if not chosen and not display and not env.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return None  # a Wayland session: Qt uses its wayland plugin
    missing = missing_xcb_packages(loads)
    if missing:
        return (
            "Qt's X11 (xcb) platform plugin needs system libraries that are not installed.\n"
            f"On Debian or Ubuntu: sudo apt install {' '.join(missing)}\n"
            "(Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms "
            "xcb-util-image xcb-util-renderutil libxkbcommon-x11)"
        )
    if display and x_server_refuses(display):
        return (
            f"the X server of DISPLAY={display} refuses the connection (is it running, and "
            "is this user allowed to use it? Over ssh, use ssh -X)."
        )
    return None


def window_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why the app cannot open a window: the GUI extra is missing, or the display is."""
    return display_problem(env) if gui_installed() else INSTALL_GUI
