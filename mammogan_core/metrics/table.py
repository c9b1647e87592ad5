"""The figures as a text table (the CLI's text output of `evaluate` and `metrics`, and the
report's summary.txt): value, 95% interval and the real-vs-real floor with its interval, in the
registry's order and units."""

from __future__ import annotations

from typing import Any

from .registry import METRICS, RADIOMICS_NOTE

SAME = "indistinguishable from real at this sample size"
HEADER = ("Figure", "Value", "95% interval", "Floor (real vs real)", "Floor interval", "n", "")


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.4g}"


def _span(pair: Any) -> str:
    return f"[{_num(pair[0])}, {_num(pair[1])}]" if pair else "–"


def metrics_table(metrics: dict[str, dict[str, Any]]) -> list[str]:
    """One line per figure the result has, aligned, then what the marks and units mean."""
    rows = [HEADER]
    for spec in METRICS:
        e = metrics.get(spec.name)
        if e is None:
            continue
        rows.append(
            (
                spec.label,
                _num(e["value"]),
                _span(e["ci"]),
                _num(e["floor"]),
                _span(e["floor_ci"]),
                f"{e['n_real']} vs {e['n_synthetic']}",
                SAME if e.get("indistinguishable_from_real") else "",
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    spaces = sorted({e["features"] for e in metrics.values()})
    lines += [
        "",
        "Floor: the same figure between the reference patches and as many other real ones; a "
        f"figure whose interval overlaps its floor's is {SAME}.",
        f"Features: {'; '.join(spaces)}. Note: {RADIOMICS_NOTE}.",
    ]
    return lines


def result_text(summary: dict[str, Any]) -> str:
    """The text output of `mammogan evaluate` / `mammogan metrics` (summary: the --json object)."""
    if summary.get("status") != "finished":
        return f"status: {summary.get('status')}\n"
    lines = metrics_table(summary.get("metrics") or {})
    lines += [f"warning: {w}" for w in summary.get("warnings") or ()]
    if summary.get("fid_note"):
        lines.append(f"FID skipped: {summary['fid_note']}")
    lines.append(f"suspected copies: {len(summary.get('memorised') or ())}")
    if summary.get("tsne"):
        lines.append(f"t-SNE map: {summary['tsne'].get('figure')}")
    lines.append(f"report: {summary.get('report_dir')}")
    return "\n".join(lines) + "\n"
