"""`mammogan ...`: the headless command line.

Each subcommand is a module in `mammogan_core.cli.commands` with:
    NAME: str, HELP: str, ORDER: int
    add_arguments(parser) -> None
    run(args, control) -> Iterator[Event]      (the last event is Finished(summary))
    gui_request(args, summary) -> dict | None  (optional: ask the launcher to open the GUI)
    format_text(summary) -> str                (optional: the text output instead of the
                                                one-line summary; a listing prints it even
                                                with --quiet)
Every subcommand gets --workspace, --json, --debug and --quiet.
Exit codes: see EXIT_CODES (printed at the end of --help).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import last_workspace
from ..control import Control
from ..errors import InputError, MammoganError
from ..events import Event, Finished, Log
from ..runner import drive
from . import commands as commands_pkg
from .terminal import TerminalReporter
from .version import VersionAction, version_text

EXIT_CODES = """exit codes:
  0    success
  1    failure (a bug or the environment; --debug shows the traceback)
  2    bad arguments, or input that yields nothing (no images found, no patches to list or
       train on); the message names the file and the reason
  130  stopped by Ctrl-C, 143 stopped by SIGTERM (e.g. `timeout`, a cluster scheduler): the
       operation first stops cleanly and prints the command that resumes it"""


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
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    by_name: dict[str, ModuleType] = {}
    for mod in discover_commands():
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=mod.HELP,
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _install_stop_signals(control: Control, received: list[int]) -> dict[int, Any]:
    """The first Ctrl-C or SIGTERM asks the operation to stop cleanly (it saves what it has)
    and is noted in `received` for the exit code; a second one interrupts at once. The handler
    only sets flags: writing from it can land inside a write the program is making to the same
    stream (`RuntimeError: reentrant call`); `_announce_stop` tells the user instead. Returns
    the previous handlers (none when not on the main thread, as in some tests)."""

    def handler(signum: int, frame: Any) -> None:
        if control.stop_requested:
            raise KeyboardInterrupt
        received.append(signum)
        control.stop()

    previous: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread
        pass
    return previous


def _announce_stop(events: Iterator[Event], received: list[int]) -> Iterator[Event]:
    """The operation's events, with a warning before the first one after a stop signal."""
    announced = False
    for event in events:
        if received and not announced:
            announced = True
            name = "Ctrl-C" if received[0] == signal.SIGINT else signal.Signals(received[0]).name
            yield Log(f"{name}: stopping after the current step (Ctrl-C again to abort)", "warning")
        yield event


def run_cli(argv: list[str] | None = None, exiting: bool = False) -> CliOutcome:
    """`exiting`: the process ends once this returns (the console entry points), unless the
    command asks for the app."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before the commands' modules load (a second)
        sys.stdout.write(version_text() + "\n")
        return CliOutcome(0)
    control = Control()
    received: list[int] = []
    # before the commands' modules load (a second or two): a signal then is a clean stop too
    previous = _install_stop_signals(control, received)
    outcome = CliOutcome(1)
    try:  # the handlers stay until the last line is printed: a late signal is still clean
        parser, by_name = build_parser()
        args = parser.parse_args(argv)
        args.argv = argv  # for rerun_command()
        if args.command is None:
            parser.print_help()
            outcome = CliOutcome(2)
        else:
            outcome = _run_command(args, by_name[args.command], control, received)
        return outcome
    finally:
        if exiting and outcome.gui is None and previous:
            # The work is done and said: a signal from now on is ignored. Python puts the
            # default handlers back while it shuts down (but leaves an ignored signal ignored),
            # and the process would die by the signal (-2) instead of exiting with its code.
            for signum in previous:
                signal.signal(signum, signal.SIG_IGN)
        else:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _run_command(
    args: argparse.Namespace, mod: ModuleType, control: Control, received: list[int]
) -> CliOutcome:
    reporter = TerminalReporter(quiet=args.quiet, debug=args.debug)
    started = time.perf_counter()
    summary: dict[str, Any] = {}
    code = 0
    try:
        summary = drive(_announce_stop(mod.run(args, control), received), reporter)
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
        code = 128 + (received[0] if received else signal.SIGINT)
        summary = {"error": "interrupted"}
    except Exception as exc:  # a bug or an environment failure: say so briefly
        reporter.finish()
        sys.stderr.write(
            f"mammogan {args.command}: failed: {type(exc).__name__}: {exc}"
            + ("\n" if args.debug else " (run again with --debug for the traceback)\n")
        )
        if args.debug:
            traceback.print_exc()
        code, summary = 1, {"error": f"{type(exc).__name__}: {exc}"}
    reporter.finish()
    if received and code == 0:  # stopped cleanly on request: scripts must not carry on
        code = 128 + received[0]
    if summary.get("resume_command"):
        sys.stderr.write(f"to resume: {summary['resume_command']}\n")
    summary.setdefault("seconds", round(time.perf_counter() - started, 3))
    if args.json:
        sys.stdout.write(json.dumps(summary, default=str, sort_keys=True) + "\n")
    elif "error" in summary:
        pass  # the message is on stderr already
    elif hasattr(mod, "format_text"):
        sys.stdout.write(mod.format_text(summary))
    elif not args.quiet:  # also after a clean stop (exit 130/143): what was done
        _print_summary(args.command, summary)
    if code == 0 and args.workspace and Path(args.workspace, "catalogue.sqlite").is_file():
        last_workspace.remember(args.workspace)
    gui = None
    if code == 0 and hasattr(mod, "gui_request"):
        gui = mod.gui_request(args, summary)
    return CliOutcome(code, gui)


SHOWN_ITEMS = 5  # of a list of skipped rows or failed files in the text summary


def _print_summary(command: str, summary: dict[str, Any]) -> None:
    """One line of the plain values (unset ones left out, yes/no for flags), then each list of
    problems (skipped rows, unreadable files) as its count and first few items with their
    reasons."""
    flat = {
        k: v
        for k, v in summary.items()
        if v is not None and k != "resume_command" and not isinstance(v, (list, dict))
    }
    if flat:
        words = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in flat.items()}
        sys.stdout.write(f"{command}: " + ", ".join(f"{k}={v}" for k, v in words.items()) + "\n")
    for key, items in summary.items():
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            continue
        if "reason" not in items[0]:
            continue
        sys.stdout.write(f"{key}: {len(items)}\n")
        for item in items[:SHOWN_ITEMS]:
            where = item.get("path") or item.get("row") or ""
            sys.stdout.write(f"  {where}: {item['reason']}\n")
        if len(items) > SHOWN_ITEMS:
            sys.stdout.write(f"  ... and {len(items) - SHOWN_ITEMS} more (--json lists all)\n")


def require_workspace(args: argparse.Namespace, fall_back: bool = False) -> str:
    """The --workspace given; with `fall_back` (read-only commands), else the last workspace
    used, named on stderr so that nobody reads another workspace's figures unawares."""
    if args.workspace:
        return args.workspace
    last = last_workspace.last()
    if fall_back and last is not None:
        sys.stderr.write(f"workspace: {last} (the last one used; --workspace DIR for another)\n")
        return str(last)
    hint = f" (the last one used: --workspace {shlex.quote(str(last))})" if last else ""
    raise InputError(f"`mammogan {args.command}` needs --workspace DIR{hint}")


def rerun_command(args: argparse.Namespace, drop: tuple[str, ...] = ()) -> str:
    """The command line this process was started with (as `mammogan ...`), without the flags
    in `drop` (or argparse's abbreviations of them): what continues a stopped operation."""

    def dropped(token: str) -> bool:
        return len(token) > 2 and any(flag.startswith(token) for flag in drop)

    return shlex.join(["mammogan", *(t for t in args.argv if not dropped(t))])


def resumable(
    events: Iterator[Event], args: argparse.Namespace, drop: tuple[str, ...] = ()
) -> Iterator[Event]:
    """The operation's events, its stopped summary with the command that finishes it: the
    same command line, without the flags in `drop` (those that would discard what is done)."""
    for event in events:
        if isinstance(event, Finished) and event.as_dict().get("status") == "stopped":
            event = Finished({**event.as_dict(), "resume_command": rerun_command(args, drop)})
        yield event


def main(argv: list[str] | None = None) -> int:
    """`python -m mammogan_core`: the CLI without the GUI launcher."""
    outcome = run_cli(argv, exiting=True)
    if outcome.gui is not None:
        sys.stderr.write("the desktop app is started by the `mammogan` command\n")
    return outcome.exit_code
