"""`mammogan review`: a blinded visual Turing test. `plan` its size, `create` a set of real and
synthetic lesions, `export-package` it for a reader elsewhere, `open` a package to read it in
the app, `import-answers` (a package's answers file or a transcribed CSV), `key` and `report`;
`mrmc` analyses any reading table the same way."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ...control import Control
from ...events import Event, Finished
from ...workspace import Workspace
from ..main import require_workspace

NAME = "review"
HELP = (
    "visual Turing test: plan its size, create a blinded set of real and synthetic lesions, "
    "export reading packages, open one to read, import answers, export the key, report reader "
    "statistics (MRMC: readers and images random), analyse any reading table"
)
ORDER = 52


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ... import settings
    from ...review.options import PlanOptions, ReviewSetOptions

    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=text, description=text)
        # the common options after the action too; SUPPRESS keeps a value given before it
        for flag, kwargs in (
            ("--workspace", {"metavar": "DIR", "help": "the workspace folder"}),
            ("--json", {"action": "store_true", "help": "print one JSON object with the results"}),
            ("--debug", {"action": "store_true", "help": "show tracebacks on errors"}),
            ("--quiet", {"action": "store_true", "help": "no progress bar or info lines"}),
        ):
            sub.add_argument(flag, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]
        return sub

    settings.add_arguments(
        action(
            "plan",
            "how many readers and images give the equivalence test its power (Roe-Metz "
            "simulation, or a pilot set's variance components); needs no workspace without "
            "--pilot",
        ),
        PlanOptions,
    )
    settings.add_arguments(
        action("create", "create a review set from the workspace's lesions and a run"),
        ReviewSetOptions,
    )
    export = action("export-package", "copy a set's reading package (no key) to a folder")
    _set_flag(export)
    export.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    opened = action("open", "check a reading package and read it in the app")
    opened.add_argument("package", metavar="DIR", help="the package folder")
    imported = action(
        "import-answers",
        "merge a reader's answers (a package's answers .jsonl, or a transcribed CSV "
        "image_id,call,confidence[,seconds] with --reader) into the workspace",
    )
    imported.add_argument("file", metavar="FILE", help="the answers file (.jsonl or .csv)")
    imported.add_argument("--reader", metavar="NAME", help="who gave a transcribed CSV's answers")
    imported.add_argument("--role", default="", help="the reader's role (transcribed CSV)")
    imported.add_argument("--years", type=float, help="the reader's years of experience (CSV)")
    imported.add_argument("--set", metavar="ID", help="the set (found from the ids if omitted)")
    key = action(
        "key",
        "write the set's key as CSV (image_id,truth,source), or with --format imrmc the "
        "readers' scores and the truth as an iMRMC input file",
    )
    _set_flag(key)
    key.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    key.add_argument(
        "--format", choices=("csv", "imrmc"), default="csv", help="csv (default) or imrmc"
    )
    report = action(
        "report",
        "reader-averaged AUC, accuracy, sensitivity and specificity (readers and images "
        "random), the equivalence verdict, per-reader statistics, agreement and the "
        "fooled-most grid (CSV, JSON and PNG report)",
    )
    _set_flag(report)
    _margin_flag(report)
    mrmc = action(
        "mrmc",
        "analyse a reading table in long form: reader,case,truth,score[,modality][,call] "
        "(truth and call 1 = the positive class); two modalities also give their difference",
    )
    mrmc.add_argument("table", metavar="TABLE.csv", help="the reading table")
    _margin_flag(mrmc)
    action("sets", "list the workspace's review sets")


def _set_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", required=True, metavar="ID", help="the review set")


def _margin_flag(p: argparse.ArgumentParser) -> None:
    from ...review.equivalence import MARGIN

    p.add_argument(
        "--margin",
        type=float,
        default=MARGIN,
        help=f"equivalence: the AUC within 0.5 +/- this margin (default {MARGIN})",
    )


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    if args.action == "open":
        from ...review.package import open_package

        package = open_package(args.package)
        yield Finished(
            {"set": package.set_id, "images": len(package.image_ids), "package": str(package.path)}
        )
        return
    if args.action == "mrmc":
        yield Finished(_table_analysis(args))
        return
    if args.action == "plan" and not getattr(args, "pilot", None):
        yield from _plan(None, args, control)
        return
    with Workspace.open(require_workspace(args)) as ws:
        yield from _ACTIONS[args.action](ws, args, control)


def _create(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...review.options import ReviewSetOptions
    from ...review.sets import create_review_set

    yield from create_review_set(ws, settings.from_args(args, ReviewSetOptions()), control)


def _plan(ws: Workspace | None, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...review.options import PlanOptions
    from ...review.sizing import study_plan

    yield Finished(study_plan(settings.from_args(args, PlanOptions()), ws))


def _table_analysis(args: argparse.Namespace) -> Any:
    from ...review.analysis import analyse
    from ...review.table import read_table

    t = read_table(args.table)
    return analyse(t.scores, t.truth, t.readers, t.modalities, t.calls, _margin(args), t.warnings)


def _margin(args: argparse.Namespace) -> float:
    from ...errors import InputError

    if not 0 < args.margin < 0.5:
        raise InputError(f"--margin must be between 0 and 0.5, not {args.margin:g}")
    return args.margin


def _export(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...review.package import export_package

    yield Finished({"set": args.set, "package": str(export_package(ws, args.set, args.out))})


def _import(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...review.answers import import_answers
    from ...review.reading import ReaderInfo

    reader = ReaderInfo(args.reader, args.role, args.years) if args.reader else None
    yield Finished(import_answers(ws, args.file, reader, args.set))


def _key(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    if args.format == "imrmc":
        from ...review.report import write_imrmc

        yield Finished({"set": args.set, "imrmc": str(write_imrmc(ws, args.set, args.out))})
        return
    from ...review.sets import write_key_csv

    yield Finished({"set": args.set, "key": str(write_key_csv(ws, args.set, args.out))})


def _report(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...review.report import review_report

    yield Finished(review_report(ws, args.set, _margin(args)))


def _sets(ws: Workspace, args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...review.sets import list_review_sets

    yield Finished({"sets": [s.to_dict() for s in list_review_sets(ws)]})


_ACTIONS = {
    "plan": _plan,
    "create": _create,
    "export-package": _export,
    "import-answers": _import,
    "key": _key,
    "report": _report,
    "sets": _sets,
}


def format_text(summary: dict[str, Any]) -> str:
    """The sets as a table, a report as one line per reader; other actions as key=value."""
    if "sets" in summary:
        if not summary["sets"]:
            return "no review sets yet (mammogan review create --workspace ...)\n"
        return "".join(
            f"{s['set']}  {s['created_at']}  {s['real']} real + {s['synthetic']} synthetic"
            f" + {s['repeats']} repeats  {s['title']}\n"
            for s in summary["sets"]
        )
    from ...review.analysis import summary_lines

    if "modalities" in summary:  # review mrmc
        return "\n".join(summary_lines(summary)) + "\n"
    if "power" in summary:  # review plan
        return _plan_text(summary)
    if "pooled" in summary:
        lines = [f"review set {summary['set']}: {len(summary['readers'])} reader(s)"]
        lines += [f"  {line}" for line in summary_lines(summary["mrmc"])]
        for r in [*summary["readers"], summary["pooled"]]:
            lines.append(
                f"  {r['reader']}: n={r['n']} accuracy={_num(r['accuracy'])} "
                f"sensitivity={_num(r['sensitivity'])} specificity={_num(r['specificity'])} "
                f"auc={_num(r['auc'])} p={_num(r['p_value'], 3)}"
            )
        lines.append(f"  Fleiss' kappa={_num(summary['fleiss_kappa'])}; fooled most readers: "
                     f"{len(summary['fooled'])} synthetic image(s)")  # fmt: skip
        lines += [f"  warning: {w}" for w in summary["warnings"]]
        files = (summary["png"], summary["csv"], summary["mrmc_json"])
        lines.append(f"report: {', '.join(f for f in files if f)}")
        return "\n".join(lines) + "\n"
    flat = {k: v for k, v in summary.items() if not isinstance(v, (list, dict)) and k != "seconds"}
    return "review: " + ", ".join(f"{k}={v}" for k, v in flat.items()) + "\n"


def _plan_text(plan: dict[str, Any]) -> str:
    lines = [
        f"power of the equivalence test (AUC within 0.5 +/- {plan['margin']:g}) if the true "
        f"AUC is {plan['auc']:g}, by {plan['method']}:",
        "readers \\ images " + " ".join(f"{c:>6}" for c in plan["images"]),
    ]
    lines += [
        f"{r:>16} " + " ".join(f"{p:>6.2f}" for p in row)
        for r, row in zip(plan["readers"], plan["power"])
    ]
    best = plan["smallest"]
    lines.append(
        f"fewest readings with power >= {plan['target']:g}: {best['readers']} readers x "
        f"{best['images']} images"
        if best
        else f"no design of the grid reaches power {plan['target']:g}: more readers or images"
    )
    return "\n".join(lines) + "\n"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def gui_request(args: argparse.Namespace, summary: dict[str, Any]) -> dict[str, Any] | None:
    """`review open` reads the package in the app."""
    return {"review_package": summary["package"]} if args.action == "open" else None
