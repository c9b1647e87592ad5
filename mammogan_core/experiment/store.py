"""Studies on disk, in the workspace: one folder per study beside the training runs.

    runs/<study>/study.json            options, folds (patient keys per part, validation and test
                                       patch ids, the generator of each k and the real lesions
                                       it learnt from), leakage counts, provenance (versions,
                                       seeds, data fingerprints), status, process
    runs/<study>/cells/<mode>-k<k>-fold<f>-seed<s>.json   one CellResult each, when it finishes
    runs/<study>/generators/fold<f>-k<k>/generator.pt, generator.json   each (fold, k)'s
                                       generator (not a workspace run: no catalogue row)
    runs/<study>/results.csv, metrics_vs_k.png     rewritten after every cell

Files, not catalogue tables: each cell is one atomic write, so a study killed at any moment
keeps every finished cell and a resume sees exactly those; a study folder is self-contained
(copy or archive it with its figure and CSV) and needs no schema migration.
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_json
from ..errors import InputError
from ..training.owner import is_alive
from ..workspace import Workspace
from ..workspace.catalogue import utc_now
from .options import StudyOptions
from .results import CellResult, FoldRecord, StudyResult
from .stats import INTERVAL_METHOD, compare, summarise, warnings

KIND = "augmentation-study"
PLOT, CSV = "metrics_vs_k.png", "results.csv"


def new_study_id(ws: Workspace) -> str:
    base = f"study-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    study, n = base, 1
    while (ws.runs_dir / study).exists():
        n += 1
        study = f"{base}-{n}"
    return study


def study_dir(ws: Workspace, study: str) -> Path:
    """The folder of an existing study, or InputError naming the studies there are."""
    folder = ws.runs_dir / study
    if "/" in study or "\\" in study or study.startswith(".") or not _is_study(folder):
        known = [s["id"] for s in list_studies(ws)]
        raise InputError(
            f"no study {study!r} in this workspace (studies: {', '.join(known) or 'none'})",
            folder,
        )
    return folder


def _is_study(folder: Path) -> bool:
    try:
        return json.loads((folder / "study.json").read_text(encoding="utf-8"))["kind"] == KIND
    except (OSError, ValueError, KeyError, TypeError):
        return False


def read_record(ws: Workspace, study: str) -> dict[str, Any]:
    path = study_dir(ws, study) / "study.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the study's record cannot be read ({exc})", path) from None


def write_record(ws: Workspace, record: dict[str, Any]) -> None:
    record["updated"] = utc_now()
    atomic_write_json(ws.runs_dir / record["id"] / "study.json", record)


def cell_keys(options: StudyOptions, fold: int) -> list[tuple[str, int, int, int]]:
    """The (mode, k, fold, seed) of a fold's cells, in the order they run."""
    return [
        (mode, k, fold, seed)
        for k in sorted(options.k)
        for mode in options.modes
        for seed in range(options.seeds)
    ]


def cell_path(folder: Path, mode: str, k: int, fold: int, seed: int) -> Path:
    return folder / "cells" / f"{mode}-k{k}-fold{fold + 1}-seed{seed + 1}.json"


def write_cell(folder: Path, cell: CellResult) -> None:
    atomic_write_json(cell_path(folder, *cell.key), cell.to_dict())


def read_cells(folder: Path) -> list[CellResult]:
    """The finished cells (a damaged file is not a finished cell: a resume redoes it)."""
    cells = []
    for path in sorted((folder / "cells").glob("*.json")):
        try:
            cells.append(CellResult.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(cells, key=lambda c: (c.fold, c.k, c.mode, c.seed))


def status_of(record: dict[str, Any]) -> str:
    """The recorded status; a 'running' study whose process is gone is 'interrupted'."""
    status = record.get("status", "failed")
    if status == "running" and is_alive(record.get("process")) is False:
        return "interrupted"
    return status


def cells_total(options: StudyOptions) -> int:
    return len(options.modes) * len(options.k) * options.folds * options.seeds


def resume_command(ws: Workspace, study: str) -> str:
    return shlex.join(["mammogan", "experiment", "--workspace", str(ws.root), "--resume", study])


def list_studies(ws: Workspace) -> list[dict[str, Any]]:
    """The workspace's studies, newest first: id, created, status, cells_done, cells_total,
    options (a dict) and description (the options in one line)."""
    out = []
    for folder in ws.runs_dir.iterdir() if ws.runs_dir.is_dir() else ():
        if not _is_study(folder):
            continue
        try:
            record = read_record(ws, folder.name)
            options = StudyOptions.from_dict(record["options"], strict=False)
        except (InputError, KeyError):
            continue
        out.append(
            {
                "id": folder.name,
                "created": record.get("created", ""),
                "status": status_of(record),
                "cells_done": len(list((folder / "cells").glob("*.json"))),
                "cells_total": cells_total(options),
                "options": options.to_dict(),
                "description": options.describe(),
            }
        )
    return sorted(out, key=lambda s: (s["created"], s["id"]), reverse=True)


def study_result(ws: Workspace, record: dict[str, Any], status: str | None = None) -> StudyResult:
    folder = ws.runs_dir / record["id"]
    cells = read_cells(folder)
    options = StudyOptions.from_dict(record["options"], strict=False)
    status = status or status_of(record)
    comparisons = compare(cells)
    return StudyResult(
        study=record["id"],
        status=status,
        results=tuple(cells),
        summary=tuple(summarise(cells)),
        folds=tuple(
            FoldRecord(
                fold=f["fold"],
                train_patients=tuple(f["train_patients"]),
                val_patients=tuple(f["val_patients"]),
                test_patients=tuple(f["test_patients"]),
                generators=dict(f.get("generators", {})),
                leakage=dict(f.get("leakage", {})),
            )
            for f in record.get("folds", [])
        ),
        comparisons=tuple(comparisons),
        warnings=tuple(warnings(cells, comparisons, options.folds)),
        plot=str(folder / PLOT) if (folder / PLOT).is_file() else None,
        csv=str(folder / CSV) if (folder / CSV).is_file() else None,
        study_dir=str(folder),
        options=options.to_dict(),
        cells_total=cells_total(options),
        interval_method=INTERVAL_METHOD,
        resume_command=resume_command(ws, record["id"]) if status != "finished" else None,
    )


def study_generators(ws: Workspace) -> list[dict[str, Any]]:
    """Every study's cached generators (for `mammogan runs --all`): id STUDY/generators/NAME,
    the study, its fold (1-based), k, steps, preset and the number of real lesions."""
    out = []
    for study in list_studies(ws):
        for meta in sorted((ws.runs_dir / study["id"] / "generators").glob("*/generator.json")):
            try:
                d = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            out.append(
                {
                    "id": f"{study['id']}/generators/{meta.parent.name}",
                    "study": study["id"],
                    "fold": int(d.get("fold", 0)) + 1,
                    "k": d.get("k"),
                    "steps": d.get("steps"),
                    "preset": d.get("preset"),
                    "real_lesions": len(d.get("real_lesions", ())),
                }
            )
    return out


def legacy_generator_runs(ws: Workspace) -> dict[str, str]:
    """Training runs that an older study trained as its fold generators (study.json's
    folds[].generator), each with its study: ordinary runs then, never a default run now."""
    out = {}
    for folder in ws.runs_dir.iterdir() if ws.runs_dir.is_dir() else ():
        if _is_study(folder):
            record = json.loads((folder / "study.json").read_text(encoding="utf-8"))
            out |= {
                f["generator"]: folder.name for f in record.get("folds", []) if f.get("generator")
            }
    return out


def load_study(ws: Workspace, study_id: str) -> StudyResult:
    """A stored study's results (any status: the cells finished so far)."""
    return study_result(ws, read_record(ws, study_id))
