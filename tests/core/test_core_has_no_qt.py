"""The hard line: the core library never imports Qt (checked in a clean interpreter)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import mammogan_core

FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "superqt", "shiboken6")


def test_importing_every_core_module_loads_no_qt():
    modules = sorted(
        m.name
        for m in pkgutil.walk_packages(mammogan_core.__path__, "mammogan_core.")
        if not m.name.endswith("__main__")
    )
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 10
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_cli_help_does_not_import_torch_or_qt():
    """`mammogan --help` must be instant: heavy libraries load only when a command needs them."""
    code = (
        "import sys, json\n"
        "from mammogan_core.cli.main import build_parser\n"
        "build_parser()\n"
        "print(json.dumps([m for m in ('torch', 'PySide6', 'sklearn', 'openTSNE') if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
