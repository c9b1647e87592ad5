"""A saved t-SNE map: its folder holds map.npz (coordinates, kinds, lesion types, patch ids),
synthetic.npy (the synthetic patches, memory-mapped when read) and map.json (provenance).
Reopening reads these files only: no recomputation.

Real points show the workspace's own patches (by catalogue patch id), so a map is small even
for 150K points; the synthetic ones cannot be drawn again without the generator and are kept.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_text
from ..errors import InputError
from ..workspace import PATCH_SIZE, PatchStore, Workspace

KINDS = ("real_lesion", "synthetic_lesion", "normal")
# One palette for the app's scatter and the saved PNG, in drawing order (bottom to top): real
# lesions last, so that no synthetic point hides one.
MAP_FILES = ("map.npz", "synthetic.npy", "map.json")


@dataclass
class TsneMap:
    coords: np.ndarray  # N x 2 float32
    kind: np.ndarray  # N str, one of KINDS
    lesion_type: np.ndarray  # N str, "" for normal tissue
    patch_id: np.ndarray  # N int64, the catalogue's patch id; -1 for synthetic points
    folder: Path
    info: dict[str, Any] = field(default_factory=dict)  # map.json
    synthetic: np.ndarray | None = None  # M x 128 x 128 uint8, the synthetic points in order
    store: PatchStore | None = None
    store_index: np.ndarray | None = None  # N int64: the real points' rows in `store`

    def __len__(self) -> int:
        return len(self.coords)

    def images(self, indices: np.ndarray | list[int]) -> np.ndarray:
        """k x PATCH_SIZE x PATCH_SIZE float32 in [0, 1] for display, in the order of `indices`."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        out = np.empty((len(idx), PATCH_SIZE, PATCH_SIZE), np.float32)
        synthetic = self.patch_id[idx] < 0
        if synthetic.any():
            # a synthetic point's row in `synthetic`: its rank among the map's synthetic points
            rows = np.cumsum(self.patch_id < 0)[idx[synthetic]] - 1
            assert self.synthetic is not None
            out[synthetic] = self.synthetic[rows]
        if (~synthetic).any():
            if self.store is None or self.store_index is None:
                raise InputError("the map's real patches need its workspace", self.folder)
            rows = self.store_index[idx[~synthetic]]
            order = np.argsort(rows)  # memory maps read fastest in file order
            pixels = np.empty((len(rows), PATCH_SIZE, PATCH_SIZE), np.uint8)
            pixels[order] = self.store.read(rows[order])
            out[~synthetic] = pixels
        return out / 255.0

    def to_csv(self, path: str | Path) -> None:
        """One row per point: index, x, y, kind, lesion_type, patch_id (empty for synthetic)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(("index", "x", "y", "kind", "lesion_type", "patch_id"))
        for i, ((x, y), k, t, p) in enumerate(
            zip(self.coords.tolist(), self.kind, self.lesion_type, self.patch_id.tolist())
        ):
            w.writerow((i, f"{x:.5g}", f"{y:.5g}", k, t, p if p >= 0 else ""))
        atomic_write_text(path, buf.getvalue())


def write_map_files(
    folder: Path,
    coords: np.ndarray,
    kind: np.ndarray,
    lesion_type: np.ndarray,
    patch_id: np.ndarray,
    synthetic: np.ndarray,
    info: dict[str, Any],
) -> None:
    """The map's files in `folder` (a staging folder that is published whole)."""
    np.savez(
        folder / MAP_FILES[0],
        coords=np.asarray(coords, np.float32),
        kind=np.asarray(kind, dtype="U16"),
        lesion_type=np.asarray(lesion_type, dtype=str),
        patch_id=np.asarray(patch_id, np.int64),
    )
    np.save(folder / MAP_FILES[1], np.asarray(synthetic, np.uint8))
    atomic_write_text(folder / MAP_FILES[2], json.dumps(info, indent=2, sort_keys=True) + "\n")


def find_map(path: str | Path) -> Path:
    """The map folder of `path`: the folder itself, its map.npz, a report folder holding
    tsne/, or a run folder (its newest map)."""
    path = Path(path)
    if path.is_file():
        path = path.parent
    for folder in (path, path / "tsne"):
        if (folder / MAP_FILES[2]).is_file():
            return folder
    maps = sorted(path.glob("evaluation/*/tsne/" + MAP_FILES[2]), key=lambda p: p.stat().st_mtime)
    if maps:
        return maps[-1].parent
    raise InputError("no t-SNE map here (build one with `mammogan evaluate --tsne`)", path)


def load_tsne(path_or_run_dir: str | Path, workspace: Workspace | None) -> TsneMap:
    """Reopen a saved map. Real points' images come from `workspace`'s patch store."""
    folder = find_map(path_or_run_dir)
    try:
        with np.load(folder / MAP_FILES[0]) as npz:
            arrays = {k: npz[k] for k in ("coords", "kind", "lesion_type", "patch_id")}
        synthetic = np.load(folder / MAP_FILES[1], mmap_mode="r")
        info = json.loads((folder / MAP_FILES[2]).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot read the t-SNE map ({exc})", folder) from None
    tsne_map = TsneMap(**arrays, folder=folder, info=info, synthetic=synthetic)
    if workspace is not None:
        tsne_map.store, tsne_map.store_index = _store_rows(workspace, tsne_map.patch_id, folder)
    return tsne_map


def _store_rows(ws: Workspace, patch_id: np.ndarray, folder: Path) -> tuple[PatchStore, np.ndarray]:
    rows = dict(ws.query("SELECT id, store_index FROM patches"))  # one pass beats 900-id batches
    index = np.array([rows.get(int(p), -1) if p >= 0 else -1 for p in patch_id], np.int64)
    gone = int(((index < 0) & (patch_id >= 0)).sum())
    if gone:
        raise InputError(
            f"{gone} of the map's real patches are no longer in the workspace (extracted "
            "again?): build the map again",
            folder,
        )
    return ws.patch_store("uint8"), index
