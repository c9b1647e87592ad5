"""Which process trains a run. A run whose catalogue row says 'running' but whose process is
gone (killed with SIGKILL, a power cut) is shown as 'interrupted', and a run that a live
process still trains is not resumed by a second one.

The owner is recorded in the run's config.json as {pid, host, start}; `start` is the process
start time from /proc (Linux), so a recycled pid is not mistaken for the trainer.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any


def _start_ticks(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after "(comm)" start at field 3; the start time is field 22.
    return int(stat.rsplit(")", 1)[1].split()[19])


def this_process() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "start": _start_ticks(pid)}


def is_alive(owner: dict[str, Any] | None) -> bool | None:
    """True / False for a process of this host; None when it cannot be known (no record,
    another host, Windows where os.kill(pid, 0) would send a signal)."""
    if not owner or owner.get("host") != socket.gethostname() or os.name == "nt":
        return None
    pid = int(owner["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's process
        pass
    start = owner.get("start")
    now = _start_ticks(pid)
    return start is None or now is None or now == start


def is_other_live_process(owner: dict[str, Any]) -> bool:
    return bool(is_alive(owner)) and int(owner["pid"]) != os.getpid()
