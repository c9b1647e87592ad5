"""The `mammogan` console entry point: no arguments opens the app, subcommands run headless.

Importable without Qt: on a headless install (no `gui` extra) every subcommand works and the
commands that would open a window say how to get one.
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

from .display_check import window_problem
from .panels import PANEL_NAMES


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        return open_app({})
    from mammogan_core.cli.main import run_cli

    outcome = run_cli(argv, exiting=True)
    if outcome.gui is None:
        return outcome.exit_code
    return open_app(outcome.gui)


def open_app(request: dict[str, Any]) -> int:
    """Open the main window as `request` says (workspace, panel, screenshot, size), unless the
    panel is unknown or no window can open here: then say why and what to do."""
    request = dict(request)
    after_work = request.pop("after_work", False)  # the command's results are already saved
    panels = ["welcome", *PANEL_NAMES]
    if request.get("panel") not in (None, *panels):
        sys.stderr.write(
            f"mammogan gui: error: no panel named '{request['panel']}'; "
            f"the panels are: {', '.join(panels)}\n"
        )
        return 2
    problem = window_problem()
    if problem is None:
        from . import application

        code = application.launch(**request)
        if after_work and request.get("workspace"):
            # what the command printed before the window opened is stale once the user has
            # trained or extracted in the app: what the workspace holds now
            print_workspace_summary(request["workspace"])
        return code
    sys.stderr.write(f"mammogan: cannot open the app: {problem}\n")
    workspace = request.get("workspace")
    if workspace:
        sys.stderr.write(
            f"The workspace is kept in {workspace}; open it later with\n"
            f"  mammogan gui --workspace {shlex.quote(str(workspace))}\n"
        )
    # the window was what `mammogan gui` was asked for (2); a command that opens it after its
    # work (`mammogan demo`) has done that work (0)
    return 0 if after_work else 2


def print_workspace_summary(workspace: str) -> None:
    from mammogan_core.cli.commands.info import format_text
    from mammogan_core.workspace import Workspace
    from mammogan_core.workspace_info import workspace_info

    with Workspace.open(workspace) as ws:
        sys.stdout.write("\nThe workspace now (after the app closed):\n")
        sys.stdout.write(format_text(workspace_info(ws)))


if __name__ == "__main__":
    sys.exit(main())
