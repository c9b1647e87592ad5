"""Output folders of commands that write a set of files plus an index (`mammogan patches`,
`mammogan generate`, `mammogan phantom`): a non-empty folder is refused unless the caller allows
overwriting, and overwriting removes only the files the command writes, so stale outputs never
sit beside new ones and nothing else in the folder is touched."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError


def prepare_output_folder(
    out: str | Path, owned: str, overwrite: bool, finished_marker: str | None = None
) -> Path:
    """Create `out`, or check an existing one. `owned` is a regular expression of the paths the
    command writes, relative to `out` with `/` (its files and its index or manifest); their
    temporary files left by a kill (`.NAME.<anything>.tmp` beside them) count as owned too.
    A command that continues an unfinished run names the file it writes last
    (`finished_marker`): a folder holding only its own files without that one is continued,
    without --overwrite. Returns the folder."""
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder", out)
    out.mkdir(parents=True, exist_ok=True)
    entries = list(out.iterdir())
    if not entries:
        return out
    unfinished = finished_marker is not None and not (out / finished_marker).exists()
    if overwrite or unfinished:
        pattern = re.compile(owned)
        files = [p for p in out.rglob("*") if p.is_file()]
        mine = [p for p in files if _is_owned(p.relative_to(out).as_posix(), pattern)]
        if overwrite:
            for path in mine:
                path.unlink()
            return out
        if len(mine) == len(files):
            return out
    raise InputError(
        f"the output folder is not empty ({len(entries)} entries); choose an empty folder "
        "or pass --overwrite (it removes only the files this command writes)",
        out,
    )


def _is_owned(rel: str, pattern: re.Pattern[str]) -> bool:
    if pattern.fullmatch(rel):
        return True
    folder, _, name = rel.rpartition("/")
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False
    body = name[1:-4]  # NAME.<anything>: try each NAME that ends before a dot
    prefix = f"{folder}/" if folder else ""
    return any(pattern.fullmatch(prefix + body[:i]) for i, c in enumerate(body) if c == "." and i)
