"""`mammogan ...`: the headless command line.

Each subcommand is a module in `mammogan_core.cli.commands` with:
    NAME: str, HELP: str, ORDER: int
    add_arguments(parser) -> None
    run(args, control) -> Iterator[Event]      (the last event is Finished(summary))
    gui_request(args, summary) -> dict | None  (optional: ask the launcher to open the GUI)
Every subcommand gets --workspace, --json, --debug and --quiet.
Exit codes: 0 success, 2 bad arguments or input, 1 failure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import __version__
from ..control import Control
from ..errors import InputError, MammoganError
from ..runner import drive
from . import commands as commands_pkg
from .terminal import TerminalReporter


@dataclass
class CliOutcome:
    exit_code: int
    gui: dict[str, Any] | None = None  # set when the command asks the launcher to open the GUI


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default is exit 2 too; keep its format
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def discover_commands() -> list[ModuleType]:
    mods = [
        importlib.import_module(f"{commands_pkg.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands_pkg.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = _Parser(
        prog="mammogan",
        description="MammoGAN: synthesise realistic lesion patches with a DCGAN and use them to "
        "augment mammography datasets. With no arguments, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"mammogan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    by_name: dict[str, ModuleType] = {}
    for mod in discover_commands():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        common = p.add_argument_group("common options")
        common.add_argument("--workspace", metavar="DIR", help="the workspace folder")
        common.add_argument(
            "--json", action="store_true", help="print one JSON object with the results last"
        )
        common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
        common.add_argument("--quiet", action="store_true", help="no progress bar or info lines")
        mod.add_arguments(p)
        by_name[mod.NAME] = mod
    return parser, by_name


def _install_sigint(control: Control) -> Any:
    """First Ctrl-C asks the operation to stop cleanly (it saves what it has); a second one
    interrupts at once."""

    def handler(signum: int, frame: Any) -> None:
        if control.stop_requested:
            raise KeyboardInterrupt
        control.stop()
        sys.stderr.write("\nstopping after the current step (Ctrl-C again to abort)\n")

    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (tests)
        return None


def run_cli(argv: list[str] | None = None) -> CliOutcome:
    parser, by_name = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return CliOutcome(2)
    mod = by_name[args.command]
    control = Control()
    previous = _install_sigint(control)
    reporter = TerminalReporter(quiet=args.quiet)
    started = time.perf_counter()
    summary: dict[str, Any] = {}
    code = 0
    try:
        summary = drive(mod.run(args, control), reporter)
    except MammoganError as exc:
        reporter.finish()
        sys.stderr.write(f"mammogan {args.command}: error: {exc}\n")
        if args.debug:
            traceback.print_exc()
        code = exc.exit_code
        summary = {"error": str(exc)}
    except KeyboardInterrupt:
        reporter.finish()
        sys.stderr.write(f"mammogan {args.command}: interrupted\n")
        code, summary = 1, {"error": "interrupted"}
    except Exception as exc:  # a bug or an environment failure: say so briefly
        reporter.finish()
        sys.stderr.write(
            f"mammogan {args.command}: failed: {type(exc).__name__}: {exc}"
            + ("\n" if args.debug else " (run again with --debug for the traceback)\n")
        )
        if args.debug:
            traceback.print_exc()
        code, summary = 1, {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    reporter.finish()
    summary.setdefault("seconds", round(time.perf_counter() - started, 3))
    if args.json:
        sys.stdout.write(json.dumps(summary, default=str, sort_keys=True) + "\n")
    elif code == 0 and not args.quiet:
        _print_summary(args.command, summary)
    gui = None
    if code == 0 and hasattr(mod, "gui_request"):
        gui = mod.gui_request(args, summary)
    return CliOutcome(code, gui)


def _print_summary(command: str, summary: dict[str, Any]) -> None:
    flat = {k: v for k, v in summary.items() if not isinstance(v, (list, dict))}
    if flat:
        sys.stdout.write(f"{command}: " + ", ".join(f"{k}={v}" for k, v in flat.items()) + "\n")


def require_workspace(args: argparse.Namespace) -> str:
    if not args.workspace:
        raise InputError(f"`mammogan {args.command}` needs --workspace DIR")
    return args.workspace


def main(argv: list[str] | None = None) -> int:
    """`python -m mammogan_core`: the CLI without the GUI launcher."""
    outcome = run_cli(argv)
    if outcome.gui is not None:
        sys.stderr.write("the desktop app is started by the `mammogan` command\n")
    return outcome.exit_code
