"""Where a review set lives in its workspace: the key beside the set's own package folder.

<workspace>/reviews/<set id>/key.json    truth and source of every image id (never copied)
<workspace>/reviews/<set id>/package/    the package the organiser reads in this app too
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..workspace import Workspace

REVIEWS = "reviews"
KEY_JSON = "key.json"
PACKAGE = "package"


def reviews_dir(ws: Workspace) -> Path:
    return ws.root / REVIEWS


def set_dir(ws: Workspace, set_id: str) -> Path:
    """The set's folder; InputError naming the known sets when there is no such set."""
    folder = reviews_dir(ws) / set_id
    if set_id and "/" not in set_id and (folder / KEY_JSON).is_file():
        return folder
    known = sorted(p.parent.name for p in reviews_dir(ws).glob(f"*/{KEY_JSON}"))
    raise InputError(
        f"no review set {set_id!r} in this workspace"
        + (
            f" (its sets: {', '.join(known)})" if known else " (create one: mammogan review create)"
        ),
        ws.root,
    )


def package_dir(ws: Workspace, set_id: str) -> Path:
    return set_dir(ws, set_id) / PACKAGE
