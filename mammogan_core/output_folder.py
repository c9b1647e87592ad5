"""Output folders of commands that write a set of files plus an index (`mammogan patches`,
`mammogan generate`): a non-empty folder is refused unless the caller allows overwriting, and
overwriting removes only the files the command writes, so stale outputs never sit beside new
ones and nothing else in the folder is touched."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError


def prepare_output_folder(out: str | Path, owned: str, overwrite: bool) -> Path:
    """Create `out`, or check an existing one. `owned` is a regular expression of the names the
    command writes (its files and its index or manifest); their temporary files left by a kill
    (`.NAME.<anything>.tmp`) count as owned too. Returns the folder."""
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder", out)
    out.mkdir(parents=True, exist_ok=True)
    entries = list(out.iterdir())
    if not entries:
        return out
    if not overwrite:
        raise InputError(
            f"the output folder is not empty ({len(entries)} entries); choose an empty folder "
            "or pass --overwrite (it removes only the files this command writes)",
            out,
        )
    pattern = re.compile(rf"(?:{owned})|\.(?:{owned})\..*\.tmp")
    for entry in entries:
        if entry.is_file() and pattern.fullmatch(entry.name):
            entry.unlink()
    return out
