"""The t-SNE map of a training run (SEED_METHOD.md section 4): the workspace's real lesions, normal
tissue and the run's synthetic lesions in one map. By default (joint) the synthetic lesions are
optimised together with the real lesions and a sample of normal tissue, as the seed did, so a
synthetic set unlike the real lesions shows apart; the frozen placement puts them into a finished
map of the real patches (faster, but it cannot show that). Synthetic lesions should sit with the
real ones, away from normal tissue.

The map goes to the run's report folder (`evaluation/step...-n<synthetic>-seed<seed>/tsne/`,
the folder `mammogan evaluate` writes for the same checkpoint, count and seed), published whole:
a stopped or failed build leaves the earlier map, never half of a new one.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..control import Control, Stopped
from ..errors import InputError
from ..events import Event, Finished, Log, Result
from ..export.folder import discard, publish, staging_folder
from ..settings import to_dict
from ..training.devices import resolve_device
from ..training.generate import generator_from_run
from ..training.runs import stored_train_config
from ..workspace import PATCH_SIZE, Workspace
from ..workspace.catalogue import utc_now
from .figures import write_tsne
from .inception import sha256_of
from .report import report_folder
from .samples import sample_patches
from .tsne_embed import PCA_DIMS, embed, first_map_points
from .tsne_features import pixel_features
from .tsne_map import KINDS, TsneMap, load_tsne, write_map_files
from .tsne_options import FROZEN, FROZEN_NOTE, JOINT, TsneOptions

__all__ = ["TsneMap", "TsneOptions", "TsneResult", "build_tsne", "load_tsne", "map_samples"]

MIN_REAL = 10
FIGURE = "map.png"


@dataclass(frozen=True)
class TsneResult(Result):
    status: str  # finished | stopped
    path: str | None  # the map's folder (load_tsne opens it)
    figure: str | None  # the map as a PNG, coloured by kind
    counts: dict[str, int] = field(default_factory=dict)  # points per kind
    first_map_s: float | None = None  # from reading the catalogue to the first map
    full_map_s: float | None = None  # to the last synthetic point placed


def build_tsne(
    workspace: Workspace,
    run: str,
    checkpoint: str | None = None,
    options: TsneOptions | None = None,
    control: Control | None = None,
) -> Iterator[Event]:
    """Draw `options.synthetic` patches from the run's checkpoint (best by default) and map
    them with the workspace's real patches. Ends with Finished(TsneResult)."""
    options = options or TsneOptions()
    control = control or Control()
    try:
        g, source = generator_from_run(workspace, run, checkpoint or "best")
        device = resolve_device(options.device)
        yield Log(
            f"t-SNE: drawing {options.synthetic} synthetic lesions from {source['checkpoint']}"
        )
        fake = (
            sample_patches(g.to(device), options.synthetic, options.seed, device, control)
            if options.synthetic
            else np.zeros((0, PATCH_SIZE, PATCH_SIZE), np.uint8)
        )
        folder = report_folder(workspace, run, int(source["step"]), options.synthetic, options.seed)
        result = yield from map_samples(workspace, fake, folder, source, options, control)
    except Stopped:
        yield Log("t-SNE stopped: no map was written", "warning")
        yield Finished(TsneResult("stopped", None, None))
        return
    yield Finished(result)


def map_samples(
    ws: Workspace,
    fake: np.ndarray,
    report_dir: Path,
    source: dict[str, Any],
    options: TsneOptions,
    control: Control,
) -> Generator[Event, None, TsneResult]:
    """Map the workspace's real patches and `fake` (N x 128 x 128 uint8 samples of the run and
    checkpoint `source` names); save the map in `report_dir`/tsne. Raises Stopped on a stop."""
    t0 = time.perf_counter()
    types = options.lesion_types or ()
    of_types = f" AND (label != 'lesion' OR lesion_type IN ({','.join('?' * len(types))}))"
    rows = ws.query(
        "SELECT id, label, COALESCE(lesion_type, ''), COALESCE(image_id, -1) FROM patches "
        f"WHERE label IN ('lesion', 'normal'){of_types if types else ''} ORDER BY id",
        types,
    )
    if len(rows) < MIN_REAL:
        raise InputError(
            f"the t-SNE map needs at least {MIN_REAL} lesion or normal patches "
            f"(the workspace has {len(rows)})",
            ws.root,
        )
    ids = np.array([r[0] for r in rows], np.int64)
    is_lesion = np.array([r[1] == "lesion" for r in rows])
    lesion_type = np.array([r[2] for r in rows])
    image_id = np.array([r[3] for r in rows], np.int64)
    first = first_map_points(is_lesion, lesion_type, image_id, options)
    if len(first) < 2:
        raise InputError(
            f"the t-SNE's first map would hold {len(first)} patches: raise its setting "
            "'Normal patches in the first map'",
            ws.root,
        )
    joint = options.placement == JOINT
    yield Log(
        f"t-SNE of {int(is_lesion.sum()):,} lesions, {int((~is_lesion).sum()):,} normal "
        f"patches and {len(fake):,} synthetic lesions; the first map holds {len(first):,} of "
        f"the real ones{' and every synthetic one' if joint else ''}, the others are placed "
        "into it"
    )
    if not joint:
        yield Log(FROZEN_NOTE, "warning")
    real = PatchFeatures(ws, ids, options.feature_size)
    synthetic = pixel_features(fake, options.feature_size)
    before = time.perf_counter() - t0  # the catalogue query and the synthetic features
    emb = yield from embed(real, first, synthetic, options, control)
    kind = np.concatenate(
        [np.where(is_lesion, KINDS[0], KINDS[2]), np.full(len(fake), KINDS[1])]
    ).astype("U16")
    counts = {k: int((kind == k).sum()) for k in KINDS}
    types = stored_train_config(ws, source["run"]).lesion_types or ()
    synthetic_type = types[0] if len(types) == 1 else ""  # the run's type, when it had one
    first_map_s, full_map_s = before + emb.first_map_s, before + emb.full_map_s
    info = {
        "run": source["run"],
        "checkpoint": source["checkpoint"],
        "checkpoint_sha256": sha256_of(ws.resolve(source["checkpoint"])),
        "step": int(source["step"]),
        "seed": options.seed,
        "counts": counts,
        "first_map_points": len(first) + (len(fake) if joint else 0),
        "placement": options.placement,
        **({"note": FROZEN_NOTE} if options.placement == FROZEN else {}),
        "features": f"pixels averaged to {options.feature_size} x {options.feature_size}, "
        f"standardised per patch, PCA to at most {PCA_DIMS} dimensions",
        "options": to_dict(options),
        "versions": _versions(),
        "timings": {
            "first_map_s": first_map_s,
            "full_map_s": full_map_s,
            **emb.timings,
        },
        "created_at": utc_now(),
    }
    target = report_dir / "tsne"
    staging = staging_folder(target)
    try:
        write_map_files(
            staging,
            emb.coords,
            kind,
            np.concatenate([lesion_type, np.full(len(fake), synthetic_type)]),
            np.concatenate([ids, np.full(len(fake), -1, np.int64)]),
            fake,
            info,
        )
        write_tsne(staging / FIGURE, emb.coords, kind)
    except BaseException:
        discard(staging)
        raise
    publish(staging, target)
    yield Log(
        f"t-SNE map saved in {target} (first map {first_map_s:.1f} s, full {full_map_s:.1f} s)"
    )
    return TsneResult(
        "finished", str(target), str(target / FIGURE), counts, first_map_s, full_map_s
    )


class PatchFeatures:
    """The pixel features of the workspace's patches `ids`, read when rows are asked for: the
    first map reads only its own points (its picture comes before the others are read)."""

    def __init__(self, ws: Workspace, ids: np.ndarray, size: int) -> None:
        self.ws, self.ids, self.size = ws, ids, size

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        return pixel_features(self.ws.patch_pixels(self.ids[rows]), self.size)


def _versions() -> dict[str, str]:
    import openTSNE
    import sklearn

    return {"openTSNE": openTSNE.__version__, "scikit-learn": sklearn.__version__}
