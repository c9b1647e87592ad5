"""Which hosts write a workspace: one small file per writing process in `<workspace>/writers/`.

SQLite's WAL locking and the memory-mapped patch store work between the processes of one host
only; on a network file system two hosts writing one workspace can corrupt its catalogue. So a
writer (extraction, merge) registers itself with its host name and pid, and is refused when a
process of another host is registered. Processes of one host share the workspace (SQLite
serialises their commits). A file left by a process of this host that no longer runs is stale
and removed; one of another host cannot be checked from here, so the message names the host,
the pid and the file to delete once no job runs there any more.

Two hosts registering at the same moment both see the other and both refuse: never both write.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_write_json
from ..errors import WorkspaceError
from .catalogue import utc_now

WRITERS_DIR = "writers"


@dataclass(frozen=True)
class Writer:
    host: str
    pid: int
    since: str
    file: Path


def this_host() -> str:
    return socket.gethostname()


def writers(root: Path) -> list[Writer]:
    """The registered writers of the workspace at `root`, stale ones of this host removed."""
    folder = Path(root) / WRITERS_DIR
    found = []
    for file in sorted(folder.glob("[!.]*.json")):  # not atomic_write_json's temp files
        try:
            info = json.loads(file.read_text(encoding="utf-8"))
            writer = Writer(str(info["host"]), int(info["pid"]), str(info["since"]), file)
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written or removed right now
        if writer.host == this_host() and not _alive(writer.pid):
            with contextlib.suppress(OSError):
                file.unlink()
            continue
        found.append(writer)
    return found


def refuse_other_hosts(root: Path, doing: str) -> None:
    """WorkspaceError naming the writers on other hosts, if any (`doing`: what is refused)."""
    others = [w for w in writers(root) if w.host != this_host()]
    if others:
        held = "; ".join(f"host {w.host} (pid {w.pid}, since {w.since})" for w in others)
        files = " ".join(str(w.file) for w in others)
        raise WorkspaceError(
            f"cannot {doing}: the workspace is open for writing on another host: {held}. "
            "SQLite cannot share a workspace between hosts safely; use --shard i/n --out "
            "LOCAL_FOLDER on other nodes and `mammogan merge`. If no job runs there any more, "
            f"delete {files}",
            root,
        )


@contextlib.contextmanager
def hold_for_writing(root: Path, doing: str) -> Iterator[None]:
    """Register this process as a writer of the workspace for the duration of the block, or
    raise WorkspaceError when a process of another host is registered."""
    mine = Path(root) / WRITERS_DIR / f"{os.getpid()}@{this_host()}.json"
    atomic_write_json(mine, {"host": this_host(), "pid": os.getpid(), "since": utc_now()})
    try:
        refuse_other_hosts(root, doing)
        yield
    finally:
        with contextlib.suppress(OSError):
            mine.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
