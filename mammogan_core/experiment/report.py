"""The study as text, for the CLI (and anyone reading a --json): the summary table (mode x k:
F1, AP and AUC with their intervals, F1 at 0.5, the class balance), the paired comparisons
with their Holm-adjusted p, the interval method and the warnings. Reads StudyResult.to_dict()."""

from __future__ import annotations

from typing import Any


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _est(e: dict[str, Any]) -> str:
    ci = e.get("ci")
    band = f"[{_num(ci[0])}, {_num(ci[1])}]" if ci else "[-]"
    return f"{_num(e.get('mean'))} {band}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)


def format_report(d: dict[str, Any]) -> str:
    options = d.get("options") or {}
    out = [
        f"study {d['study']}: {d['status']}, {len(d['results'])} of {d['cells_total']} cells "
        f"({options.get('folds')} folds x {options.get('seeds')} classifier seeds)\n\n"
    ]
    rows = [["mode", "k", "F1 [95% CI]", "F1 at 0.5", "AP [95% CI]", "AUC [95% CI]", "pos:neg"]]
    for r in d["summary"]:
        rows.append(
            [
                r["mode"],
                str(r["k"]),
                _est(r["f1"]),
                _num(r["f1_at_half"]["mean"]),
                _est(r["ap"]),
                _est(r["auc"]),
                f"{r['positives']}:{r['negatives']}",
            ]
        )
    out.append(_table(rows) if len(rows) > 1 else "no cell finished yet\n")
    comparisons = d.get("comparisons") or []
    if comparisons:
        tested = sum(c["p_holm"] is not None for c in comparisons)
        out.append(
            f"\npaired differences (mode - control, per fold then over folds; Holm over "
            f"{tested} comparisons):\n"
        )
        rows = [["comparison", "k", "metric", "difference [95% CI]", "p", "Holm p", ""]]
        for c in comparisons:
            ci = c["ci"]
            held = c["p_holm"] is not None and c["p_holm"] < 0.05
            rows.append(
                [
                    f"{c['mode']} - {c['baseline']}",
                    str(c["k"]),
                    c["metric"].upper(),
                    f"{_num(c['mean_diff'], True)} "
                    + (f"[{_num(ci[0], True)}, {_num(ci[1], True)}]" if ci else "[-]"),
                    _num(c["p"]),
                    _num(c["p_holm"]),
                    "established" if held else "not established",
                ]
            )
        out.append(_table(rows))
    out.append(f"\nintervals: {d.get('interval_method', '')}\n")
    for w in d.get("warnings") or []:
        out.append(f"warning: {w}\n")
    for key in ("plot", "csv"):
        if d.get(key):
            out.append(f"{key}: {d[key]}\n")
    return "".join(out)
