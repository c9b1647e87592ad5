"""runs/RUN/MODEL_CARD.md: what a training run's generator is, what it learnt from, how it was
trained, how good it measured (with intervals and floors where the evaluation has them), whether
it copies training patches, and what it is for. Written at the end of training and refreshed by
every `mammogan evaluate`, from the run's record alone (config.json, the catalogue, the newest
evaluation report), atomically.

Evaluation reports come in two shapes: the older one (fid, kid_mean, ... and a `floor` dict)
and the one with intervals, `metrics: {NAME: {value, ci, floor, floor_ci, n_real,
n_synthetic}}`; both are shown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..errors import InputError
from ..workspace import Workspace
from .runs import find_checkpoint, read_run_config

MODEL_CARD = "MODEL_CARD.md"
# the older report's metrics, in the order shown, with what a better value is
OLD_METRICS = {
    "fid": "lower is better (Inception features)",
    "kid_mean": "lower is better",
    "precision": "higher is better (fidelity)",
    "recall": "higher is better (coverage)",
    "frd": "lower is better (radiomics)",
    "diversity": "near 1 (synthetic / real spread)",
}
NORMALISATION = "x in [-1, 1], 128 x 128, one channel; grey (8 bits) = (x + 1) * 127.5"


def write_model_card(ws: Workspace, run_id: str) -> Path:
    """(Re)write the run's model card; returns its path."""
    path = ws.runs_dir / run_id / MODEL_CARD
    atomic_write_text(path, model_card(ws, run_id))
    return path


def model_card(ws: Workspace, run_id: str) -> str:
    info = read_run_config(ws, run_id)
    row = ws.query(
        "SELECT status, step, created_at, updated_at, warnings FROM runs WHERE id=?", (run_id,)
    )
    record = dict(row[0]) if row else {}
    report, report_dir = latest_report(ws.runs_dir / run_id)
    lines = [f"# Model card: {run_id}", ""]
    lines += _model(ws, run_id, info)
    lines += _data(ws, info)
    lines += _training(ws, run_id, info, record)
    lines += _evaluation(ws, run_id, report, report_dir)
    lines += _memorisation(report)
    lines += _use(run_id, json.loads(record.get("warnings") or "[]"))
    return "\n".join(lines)


def latest_report(run_folder: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """The newest evaluation's report.json (highest checkpoint step, then the newest file);
    a report that cannot be read is passed over."""
    found = []
    for path in (run_folder / "evaluation").glob("*/report.json"):
        try:
            found.append((_step_of(path.parent.name), path.stat().st_mtime, path))
        except OSError:
            continue
    for _step, _mtime, path in sorted(found, reverse=True):
        try:
            return json.loads(path.read_text(encoding="utf-8")), path.parent
        except (OSError, ValueError):
            continue
    return None, None


def _step_of(name: str) -> int:
    head = name.split("-", 1)[0]
    return int(head[4:]) if head.startswith("step") and head[4:].isdigit() else -1


def _model(ws: Workspace, run_id: str, info: dict[str, Any]) -> list[str]:
    from ..export.plan import file_sha256  # export imports training: not at the top

    model = info.get("model", {})
    try:
        ckpt = find_checkpoint(ws, run_id, "best")
        checkpoint = f"`{ws.rel(ckpt)}` (sha256 `{file_sha256(ckpt)}`)"
    except InputError:
        checkpoint = "none kept yet"
    return [
        "## Model",
        "",
        f"- DCGAN generator, preset `{model.get('preset', '?')}`: latent size "
        f"{model.get('nz', '?')} (z ~ N(0, 1), shape nz x 1 x 1), width {model.get('ngf', '?')} "
        f"x {model.get('g_mult', '?')}, activation {model.get('g_act', '?')}",
        f"- Output: {NORMALISATION}",
        f"- Best checkpoint: {checkpoint}",
        f"- Conditions: none (an unconditional generator of {_what(info)})",
        "",
    ]


def _what(info: dict[str, Any]) -> str:
    train = info.get("train", {})
    types = train.get("lesion_types")
    return f"{train.get('label', 'lesion')} patches" + (
        f" of type {', '.join(types)}" if types else ""
    )


def _data(ws: Workspace, info: dict[str, Any]) -> list[str]:
    sel = info.get("selection", {})
    lines = [
        "## Training data",
        "",
        f"- {sel.get('count', '?')} {_what(info)} from split {sel.get('split') or 'any'}"
        + (f", pathology {', '.join(sel['pathology'])}" if sel.get("pathology") else ""),
        f"- Patients: {len(sel.get('patients') or [])}"
        + (" (restricted to a fold)" if sel.get("patients_restricted") else ""),
    ]
    types = _lesion_types(ws, info)
    if types:
        lines.append(
            "- Lesion types (the catalogue's patches of this selection now): "
            + ", ".join(f"{t or 'unknown'} {n}" for t, n in types.most_common())
        )
    return [*lines, ""]


def _lesion_types(ws: Workspace, info: dict[str, Any]) -> Counter[str]:
    from .config import TrainConfig
    from .data import select_patch_ids

    try:
        config = TrainConfig.from_dict(info["train"], strict=False)
    except (InputError, KeyError, TypeError):  # a record of another version
        return Counter()
    sel = info.get("selection", {})
    patients = frozenset(sel["patients"]) if sel.get("patients_restricted") else None
    ids = select_patch_ids(ws, config, patients)
    types: Counter[str] = Counter()
    for start in range(0, len(ids), 900):  # SQLite's parameter limit
        chunk = ids[start : start + 900]
        types.update(
            r[0] or ""
            for r in ws.query(
                f"SELECT lesion_type FROM patches WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return types


def _training(
    ws: Workspace, run_id: str, info: dict[str, Any], record: dict[str, Any]
) -> list[str]:
    train, versions = info.get("train", {}), info.get("versions", {})
    keys = ("epochs", "batch_size", "lr_g", "lr_d", "betas", "lr_step_g", "lr_step_d", "lr_gamma")
    keys += ("real_label_min", "real_label_max", "flip_h", "flip_v", "seed", "best_metric")
    seconds = training_seconds(ws, run_id, train.get("batch_size"), info.get("world_size", 1))
    return [
        "## Training",
        "",
        f"- Preset `{train.get('preset', '?')}`; status {record.get('status', '?')} at step "
        f"{record.get('step', '?')} of {info.get('total_steps', '?')}",
        "- Settings: " + ", ".join(f"{k} {train[k]}" for k in keys if k in train),
        f"- Device {info.get('device', '?')} x {info.get('world_size', 1)}; torch "
        f"{versions.get('torch', '?')}, mammogan {versions.get('mammogan', '?')}",
        f"- Started {record.get('created_at', '?')}, last recorded {record.get('updated_at', '?')}",
        "- Training time: "
        + (
            f"{seconds:.0f} s of computing (from the recorded images/s; pauses left out)"
            if seconds is not None
            else "not recorded"
        ),
        "",
        "<details><summary>Every training setting</summary>",
        "",
        "```json",
        json.dumps(train, indent=2, sort_keys=True),
        "```",
        "",
        "</details>",
        "",
    ]


def training_seconds(
    ws: Workspace, run_id: str, batch_size: int | None, world_size: int
) -> float | None:
    """The run's computing time: each recorded window's images over its images/s."""
    rows = ws.query(
        "SELECT step, value FROM metrics WHERE run_id=? AND name='images_per_s' "
        "AND details IS NULL ORDER BY step",
        (run_id,),
    )
    if not rows or not batch_size:
        return None
    total, previous = 0.0, 0
    for step, ips in rows:
        if ips and ips > 0:
            total += (int(step) - previous) * batch_size * world_size / float(ips)
        previous = int(step)
    return total


def _training_checks(ws: Workspace, run_id: str) -> list[str]:
    """The last value of each metric measured on samples during training (no interval)."""
    rows = ws.query(
        "SELECT name, value, step FROM metrics WHERE run_id=? AND details IS NULL "
        "AND name IN ('fid', 'kid') ORDER BY step",
        (run_id,),
    )
    last = {r[0]: (r[1], r[2]) for r in rows}
    return [
        f"During training, last measured: {name} {_num(v)} at step {step} (on "
        "training-time samples, without an interval or a floor)."
        for name, (v, step) in sorted(last.items())
    ]


def _evaluation(
    ws: Workspace, run_id: str, report: dict[str, Any] | None, folder: Path | None
) -> list[str]:
    lines = ["## Evaluation", ""]
    if report is None or folder is None:
        lines.append("Not evaluated yet: `mammogan evaluate --run RUN` measures it.")
        return [*lines, *_training_checks(ws, run_id), ""]
    src = report.get("source", {})
    lines += [
        f"From `{ws.rel(folder)}` (checkpoint `{src.get('checkpoint', '?')}`, step "
        f"{src.get('step', '?')}): {report.get('n_fake', '?')} synthetic against "
        f"{report.get('n_real', '?')} real training patches.",
        "",
    ]
    if isinstance(report.get("metrics"), dict):
        lines[-2] += (
            " Each figure compares a reference set of real patches with as many synthetic "
            "ones; its floor compares the same reference with as many other real patches (a "
            "generator cannot do better), both with bootstrap 95% intervals."
        )
        lines += _metrics_with_intervals(report["metrics"])
    else:
        lines += _metrics_without_intervals(report)
    if report.get("fid_note"):
        lines += ["", f"FID: {report['fid_note']}"]
    return [*lines, ""]


def _metrics_with_intervals(metrics: dict[str, Any]) -> list[str]:
    """Labels, units and scales from the metrics registry, as the CLI table shows them."""
    from ..metrics.registry import BY_NAME, LEGACY

    lines = [
        "| metric | value | 95% interval | floor | floor interval | n real | n synthetic | reading |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in metrics.items():
        if not isinstance(m, dict):
            continue
        known = BY_NAME.get(LEGACY.get(name, name))
        scale = known.scale if known else 1.0
        reading = known.direction if known else ""
        if m.get("indistinguishable_from_real"):
            reading += "; indistinguishable from real at this sample size"
        lines.append(
            f"| {known.label if known else name} | {_num(m.get('value'), scale)} | "
            f"{_interval(m.get('ci'), scale)} | {_num(m.get('floor'), scale)} | "
            f"{_interval(m.get('floor_ci'), scale)} | {m.get('n_real', '-')} | "
            f"{m.get('n_synthetic', '-')} | {reading} |"
        )
    return lines


def _metrics_without_intervals(report: dict[str, Any]) -> list[str]:
    floor = report.get("floor") or {}
    lines = ["| metric | value | floor | reading |", "|---|---|---|---|"]
    for name, reading in OLD_METRICS.items():
        value = _num(report.get(name))
        if name == "kid_mean" and report.get("kid_std") is not None:
            value += f" ± {_num(report['kid_std'])} (s.d.)"
        lines.append(f"| {name} | {value} | {_num(floor.get(name))} | {reading} |")
    return [
        *lines,
        "",
        "This evaluation has no intervals (an evaluation before they were added); its floor is "
        "the figure between two halves of the real set.",
    ]


def _num(value: Any, scale: float = 1.0) -> str:
    return "-" if not isinstance(value, (int, float)) else f"{value * scale:.4g}"


def _interval(ci: Any, scale: float = 1.0) -> str:
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        return f"{_num(ci[0], scale)} to {_num(ci[1], scale)}"
    return "-"


def _memorisation(report: dict[str, Any] | None) -> list[str]:
    lines = ["## Memorisation", ""]
    if report is None:
        return [*lines, "Not checked yet (`mammogan evaluate` checks it).", ""]
    copies = report.get("memorised") or []
    memo = report.get("memorisation") or {}
    text = (
        f"{len(copies)} of {report.get('n_fake', '?')} synthetic patches are suspected copies "
        "of a training patch (nearer to it, in pixels and in features, than real patches are "
        "to each other"
    )
    if memo.get("pixel_threshold_rms") is not None:
        text += f": pixel RMS below {_num(memo['pixel_threshold_rms'])}"
    lines.append(text + ").")
    if copies:
        lines.append(
            "Look at them (suspected_copies.png in the report) before sharing samples: a copy "
            "reproduces a patient's image."
        )
    return [*lines, ""]


def _use(run_id: str, warnings: list[str]) -> list[str]:
    lines = [
        "## Intended use and limits",
        "",
        "- For research: augmenting lesion classifiers' training sets, reader studies of "
        "realism. Not for diagnosis, nor for any clinical decision.",
        "- Its images are synthetic and must stay marked so (exports mark every file).",
        "- It knows only the patches of its training selection (one workspace, its scanners "
        "and population); it adds no patients. Test any model trained with it on real data.",
        "- The metrics are measured on its own training patches: they say how close it comes "
        "to them, not how useful its images are for a task.",
    ]
    lines += [f"- Warning recorded during training: {w}" for w in warnings]
    lines += [
        "",
        "## Use",
        "",
        f"- `mammogan generate --run {run_id} --n 100 --out DIR`",
        f"- `mammogan runs export-generator {run_id} --out DIR`: generator.pt (a plain state "
        "dict) and config.json for other tools; `mammogan generate --weights DIR` loads it back",
        "",
    ]
    return lines
