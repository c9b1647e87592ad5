"""Fold finished shard workspaces (workspace/shards.py) into the main workspace.

Each image is merged in one transaction (its patches, pixels first, then its catalogue rows, its
split and `extracted_at`), so a merge killed at any moment and run again ends in the same state,
and merging a shard twice adds nothing: an image already extracted in the main workspace is
skipped. A shard is refused as a whole (and the other shards go on) when it is not a shard of
this workspace, when it was extracted with other settings than the workspace's patches, or
when its images, findings or split are no longer the workspace's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..control import Control, Stopped
from ..errors import InputError, MammoganError
from ..events import Event, Finished, ItemError, Log, Progress, Result
from ..extraction.catalogue_io import parameter_conflict, stored_params
from ..extraction.params import META_KEY
from ..importing.results import FileError
from .lock import hold_for_writing, refuse_other_hosts
from .shards import shard_origin
from .workspace import PATCH_COLUMNS, Workspace

_IMAGE_SQL = "SELECT id, source_id, image_key, split, extracted_at FROM images ORDER BY id"
_FINDINGS_SQL = "SELECT id, image_id, finding_type, x0, y0, x1, y1 FROM findings ORDER BY id"


@dataclass(frozen=True)
class ShardMerged(Result):
    path: str
    shard: str  # i/n
    images_merged: int  # by this merge
    images_before: int  # extracted in the workspace already (merged before, or done there)
    images_pending: int  # of the shard, not extracted in it (failed or not run yet)
    patches_merged: int


@dataclass(frozen=True)
class MergeResult(Result):
    status: str  # finished | stopped (the same merge again continues)
    stopped: bool
    shards: tuple[ShardMerged, ...]
    refused: tuple[FileError, ...]  # shards not merged, with the reason
    images_merged: int
    patches_merged: int
    lesion_patches: int  # in the workspace, after the merge
    normal_patches: int
    seconds: float


class Refused(MammoganError):
    """This shard cannot be merged; the others go on."""


def merge_shards(
    ws: Workspace, shard_roots: Sequence[str | Path], control: Control
) -> Iterator[Event]:
    """Merge every shard workspace of `shard_roots` into `ws`, image by image."""
    with hold_for_writing(ws.root, "merge shards into"):
        yield from _merge_all(ws, [Path(p) for p in shard_roots], control)


def _merge_all(ws: Workspace, roots: list[Path], control: Control) -> Iterator[Event]:
    started = time.perf_counter()
    merged: list[ShardMerged] = []
    refused: list[FileError] = []
    stopped = False
    for root in roots:
        try:
            shard = Workspace.open(root)
        except MammoganError as exc:
            refused.append(FileError(str(root), exc.reason))
            yield ItemError(str(root), exc.reason)
            continue
        try:
            outcome = yield from _merge_one(ws, shard, control)
        except Refused as exc:
            refused.append(FileError(str(shard.root), exc.reason))
            yield ItemError(str(shard.root), exc.reason)
            continue
        except Stopped:
            stopped = True
            break
        finally:
            shard.close()
        merged.append(outcome)
    if refused and not merged and not stopped:
        raise InputError("no shard merged: " + "; ".join(f"{e.path}: {e.reason}" for e in refused))
    counts = ws.counts()
    yield Finished(
        MergeResult(
            status="stopped" if stopped else "finished",
            stopped=stopped,
            shards=tuple(merged),
            refused=tuple(refused),
            images_merged=sum(m.images_merged for m in merged),
            patches_merged=sum(m.patches_merged for m in merged),
            lesion_patches=counts["lesion_patches"],
            normal_patches=counts["normal_patches"],
            seconds=round(time.perf_counter() - started, 3),
        )
    )


def _merge_one(ws: Workspace, shard: Workspace, control: Control) -> Iterator[Event]:
    spec = _check_origin(ws, shard)
    refuse_other_hosts(shard.root, "merge the shard")
    images = {r["id"]: r for r in shard.query(_IMAGE_SQL)}
    todo = _check_catalogue(ws, shard, images)
    _check_settings(ws, shard, bool(todo))
    i, n = (int(v) for v in spec.split("/"))
    pending = sum(1 for k, r in images.items() if k % n == i and r["extracted_at"] is None)
    yield Log(f"merging shard {spec} ({shard.root}): {len(todo)} images")
    uint16 = stored_params(shard).uint16
    patches = 0
    for done, image_id in enumerate(todo, 1):
        control.check()
        patches += _merge_image(ws, shard, images[image_id], uint16)
        yield Progress(done, len(todo), f"shard {spec}", "images")
    extracted = sum(1 for r in images.values() if r["extracted_at"] is not None)
    return ShardMerged(str(shard.root), spec, len(todo), extracted - len(todo), pending, patches)


def _check_origin(ws: Workspace, shard: Workspace) -> str:
    origin = shard_origin(shard)
    if origin is None:
        raise Refused(
            "not a shard workspace (those are made by `mammogan extract --shard i/n --out DIR`)"
        )
    mine = ws.query("SELECT value FROM meta WHERE key = 'created_at'")[0][0]
    if origin["created_at"] != mine:
        raise Refused(f"a shard of another workspace ({origin['workspace']})")
    return origin["shard"]


def _check_catalogue(ws: Workspace, shard: Workspace, images: dict) -> list[int]:  # type: ignore[type-arg]
    """The shard's extracted images not extracted in the workspace yet, after checking that
    they, their findings and their split are the workspace's."""
    main = {r["id"]: r for r in ws.query(_IMAGE_SQL)}
    todo = [k for k, r in images.items() if r["extracted_at"] is not None]
    todo = [k for k in todo if k not in main or main[k]["extracted_at"] is None]
    for k in todo:
        if k not in main or (main[k]["source_id"], main[k]["image_key"]) != (
            images[k]["source_id"],
            images[k]["image_key"],
        ):
            raise Refused(f"image {k} ({images[k]['image_key']}) is not the workspace's image {k}")
        if main[k]["split"] is not None and main[k]["split"] != images[k]["split"]:
            raise Refused(
                f"image {k} ({images[k]['image_key']}) is in the {images[k]['split']} split in "
                f"the shard, {main[k]['split']} in the workspace"
            )
    wanted = set(todo)
    mine = {tuple(r) for r in ws.query(_FINDINGS_SQL) if r["image_id"] in wanted}
    theirs = {tuple(r) for r in shard.query(_FINDINGS_SQL) if r["image_id"] in wanted}
    if mine != theirs:
        changed = sorted({f[1] for f in mine ^ theirs})
        raise Refused(
            f"the findings of images {', '.join(map(str, changed[:5]))} changed in the "
            "workspace since the shard was made; extract those images again"
        )
    return todo


def _check_settings(ws: Workspace, shard: Workspace, needed: bool) -> None:
    """Refuse other extraction settings than the workspace's patches were cut with; a
    workspace without extracted images takes the shard's."""
    row = shard.query("SELECT value FROM meta WHERE key = ?", (META_KEY,))
    if not row or not needed:
        return
    conflict = parameter_conflict(ws, stored_params(shard))
    if conflict:
        raise Refused(f"made with other extraction settings: the workspace's {conflict}")
    with ws.transaction() as conn:
        done = conn.execute("SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL")
        if not done.fetchone()[0]:
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, row[0][0])
            )


def _merge_image(ws: Workspace, shard: Workspace, image: dict, uint16: bool) -> int:  # type: ignore[type-arg]
    """One image's patches, split and `extracted_at`, in one transaction of the workspace."""
    rows = shard.query(
        f"SELECT id, {', '.join(PATCH_COLUMNS)} FROM patches WHERE image_id = ? ORDER BY id",
        (image["id"],),
    )
    ids = [r["id"] for r in rows]
    ws.add_patches(
        shard.patch_pixels(ids),
        [{c: r[c] for c in PATCH_COLUMNS} for r in rows],
        pixels_u16=shard.patch_pixels(ids, "uint16") if uint16 and ids else None,
        extra_sql=[
            (
                "UPDATE images SET extracted_at = ?, split = ? WHERE id = ?",
                (image["extracted_at"], image["split"], image["id"]),
            )
        ],
    )
    return len(ids)
