"""Review sets: real lesions from the catalogue and synthetic ones from a run, blinded.

Blinding: every image gets a random id (from the operating system's random source, not from
the seed: a seed written in a package could otherwise be replayed to recover the classes); real
and synthetic pixels get the same dtype, size and encoding (package.py); the truth stays in the
workspace's key.json. The seed chooses only what is shown, so a set can be remade."""

from __future__ import annotations

import csv
import io
import json
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_json, atomic_write_text
from ..control import Control
from ..errors import InputError
from ..events import Event, Finished, Log, Progress, Result
from ..settings import to_dict
from ..workspace import Workspace
from ..workspace.catalogue import utc_now
from .layout import KEY_JSON, PACKAGE, reviews_dir, set_dir
from .options import INSTRUCTIONS, ReviewSetOptions
from .package import write_package


@dataclass(frozen=True)
class ReviewSetResult(Result):
    set: str
    images: int  # image files, repeats included
    real: int
    synthetic: int
    repeats: int
    package_dir: str  # the set's own package in the workspace (no key in it)
    run: str
    checkpoint: str


@dataclass(frozen=True)
class KeyEntry:
    truth: str  # real | synthetic
    source: str  # patch:<id> | <run>/<checkpoint>#<latent index>
    lesion_type: str = ""
    repeat_of: str = ""  # the image id this one repeats ('' for a first showing)


def create_review_set(
    workspace: Workspace, options: ReviewSetOptions, control: Control | None = None
) -> Iterator[Event]:
    """Progress per image, then Finished(ReviewSetResult)."""
    control = control or Control()
    ws = workspace
    rng = np.random.default_rng(options.seed)
    real = _choose_real(ws, options, rng)
    run, checkpoint, synthetic = _synthetic_pixels(ws, options, control)
    entries = [KeyEntry("real", f"patch:{pid}", kind) for pid, kind in real]
    entries += [KeyEntry("synthetic", f"{run}/{checkpoint}#{i}") for i in range(options.synthetic)]
    pixels = np.concatenate([ws.patch_pixels([pid for pid, _ in real], options.dtype), synthetic])
    for first in sorted(rng.choice(len(entries), options.repeat, replace=False).tolist()):
        entries.append(replace(entries[first], repeat_of=str(first)))
        pixels = np.concatenate([pixels, pixels[first : first + 1]])
    ids = _random_ids(len(entries))
    entries = [replace(e, repeat_of=ids[int(e.repeat_of)]) if e.repeat_of else e for e in entries]
    set_id = _new_set_id(ws)
    yield Log(f"review set {set_id}: {len(real)} real, {options.synthetic} synthetic lesions")
    staging = reviews_dir(ws) / f".{set_id}.partial"
    try:
        yield from _write(staging, set_id, options, ids, pixels)
        key = {
            "set": set_id,
            "created_at": utc_now(),
            "options": to_dict(options),
            "run": run,
            "checkpoint": checkpoint,
            "images": {i: asdict(e) for i, e in zip(ids, entries)},
        }
        atomic_write_json(staging / KEY_JSON, key)
        staging.rename(reviews_dir(ws) / set_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with ws.transaction() as conn:
        details = {"title": options.title, "images": len(ids), "run": run}
        conn.execute(
            "INSERT INTO reviews(name, created_at, details) VALUES (?, ?, ?)",
            (set_id, key["created_at"], json.dumps(details, sort_keys=True)),
        )
    yield Finished(
        ReviewSetResult(
            set_id,
            len(ids),
            len(real),
            options.synthetic,
            options.repeat,
            str(reviews_dir(ws) / set_id / PACKAGE),
            run,
            checkpoint,
        )
    )


def _choose_real(
    ws: Workspace, options: ReviewSetOptions, rng: np.random.Generator
) -> list[tuple[int, str]]:
    where, params = ["p.label = 'lesion'"], []
    if options.split:
        where.append("p.split = ?")
        params.append(options.split)
    if options.lesion_types:
        where.append(f"p.lesion_type IN ({','.join('?' * len(options.lesion_types))})")
        params.extend(options.lesion_types)
    if options.bits == "16":
        where.append("json_extract(p.params, '$.uint16')")
    rows = ws.query(
        f"SELECT p.id, p.lesion_type FROM patches p WHERE {' AND '.join(where)} ORDER BY p.id",
        params,
    )
    if len(rows) < options.real:
        what = f"{options.split or 'any'} split" + (
            f", {', '.join(options.lesion_types)}" if options.lesion_types else ""
        )
        sixteen = ", with 16-bit pixels" if options.bits == "16" else ""
        raise InputError(
            f"{options.real} real lesions wanted but the workspace has {len(rows)} lesion "
            f"patches ({what}{sixteen}); ask for fewer (--real) or choose another split or types",
            ws.root,
        )
    chosen = sorted(rng.choice(len(rows), options.real, replace=False).tolist())
    return [(int(rows[i][0]), rows[i][1] or "") for i in chosen]


def _synthetic_pixels(
    ws: Workspace, options: ReviewSetOptions, control: Control
) -> tuple[str, str, np.ndarray]:
    from ..export.plan import best_run
    from ..export.synthetic import to_dtype
    from ..training.devices import resolve_device
    from ..training.generate import generator_from_run, sample_batches

    run = options.run or best_run(ws)
    if run is None:
        raise InputError(
            "no finished training run with a checkpoint in this workspace: train one "
            "(mammogan train) or name a run (--run)",
            ws.root,
        )
    g, info = generator_from_run(ws, run, options.checkpoint)
    device = resolve_device(options.device)
    batches = sample_batches(g, options.synthetic, options.seed, device, control, options.condition)
    pixels = np.concatenate([to_dtype(b.numpy()[:, 0], options.dtype) for b in batches])
    return run, Path(info["checkpoint"]).name, pixels


def _random_ids(n: int) -> list[str]:
    ids: set[str] = set()
    while len(ids) < n:
        ids.add(secrets.token_hex(5))
    return list(ids)


def _new_set_id(ws: Workspace) -> str:
    while (reviews_dir(ws) / (set_id := secrets.token_hex(4))).exists():
        pass
    return set_id


def _write(
    staging: Path, set_id: str, options: ReviewSetOptions, ids: list[str], pixels: np.ndarray
) -> Iterator[Event]:
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    description = {
        "set_id": set_id,
        "title": options.title,
        "instructions": INSTRUCTIONS,
        "order_seed": secrets.token_hex(16),
        "bits": int(options.bits),
        "display": options.display,
    }
    write_package(staging / PACKAGE, description, zip(ids, pixels))
    yield Progress(len(ids), len(ids), "images written", unit="images")


@dataclass(frozen=True)
class ReviewSetInfo(Result):
    set: str
    title: str
    created_at: str
    images: int
    real: int
    synthetic: int
    repeats: int
    package_dir: Path


def read_key(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / KEY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the set's key: {exc}", folder / KEY_JSON) from None


def write_key_csv(workspace: Workspace, set_id: str, out: str | Path) -> Path:
    """The set's key as CSV (image_id,truth,source): the source of a repeat names the image it
    repeats. Written atomically; returns the file."""
    key = read_key(set_dir(workspace, set_id))["images"]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("image_id", "truth", "source"))
    for image_id, e in sorted(key.items()):
        source = f"repeat of {e['repeat_of']}: {e['source']}" if e["repeat_of"] else e["source"]
        writer.writerow((image_id, e["truth"], source))
    path = Path(out).expanduser().resolve()
    atomic_write_text(path, text.getvalue())
    return path


def list_review_sets(workspace: Workspace) -> list[ReviewSetInfo]:
    """The workspace's review sets, oldest first."""
    out = []
    for folder in reviews_dir(workspace).glob(f"*/{KEY_JSON}"):
        key = read_key(folder.parent)
        truths = [e["truth"] for e in key["images"].values() if not e["repeat_of"]]
        out.append(
            ReviewSetInfo(
                key["set"],
                key["options"]["title"],
                key["created_at"],
                len(key["images"]),
                truths.count("real"),
                truths.count("synthetic"),
                len(key["images"]) - len(truths),
                folder.parent / PACKAGE,
            )
        )
    return sorted(out, key=lambda s: (s.created_at, s.set))
