"""How long from launching the app until its main window has painted (target: 1.5 s).

Runs the real launcher in fresh interpreters (offscreen Qt) and prints JSON: the wall time
from process start to the first paint of the window, and whether torch was imported by then.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

PROBE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from app.application import create_application
from app.main_window import MainWindow

class FirstPaint(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            print("painted", time.time(), "torch" in sys.modules, flush=True)
            app.exit(0)
        return False

app = create_application()
w = MainWindow()
spy = FirstPaint()
w.installEventFilter(spy)
w.show()
QTimer.singleShot(10_000, lambda: app.exit(1))
app.exec()
"""


def one_launch() -> tuple[float, bool]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("painted"))
    _, t, torch_loaded = line.split()
    return float(t) - start, torch_loaded == "True"


def main() -> None:
    one_launch()  # warm the file cache and .pyc files
    runs = [one_launch() for _ in range(5)]
    times = [t for t, _ in runs]
    print(
        json.dumps(
            {
                "benchmark": "startup_to_first_paint",
                "runs": len(times),
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "torch_imported_before_paint": any(t for _, t in runs),
                "target_s": 1.5,
            }
        )
    )


if __name__ == "__main__":
    main()
