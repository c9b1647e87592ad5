"""Errors that reach users. Each names the file (where there is one) and the reason."""

from __future__ import annotations

from pathlib import Path


class MammoganError(Exception):
    """A failure the user can understand; the CLI prints it without a traceback (exit 1)."""

    exit_code = 1

    def __init__(self, reason: str, path: str | Path | None = None) -> None:
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class InputError(MammoganError):
    """Bad arguments or bad input data (exit 2)."""

    exit_code = 2


class WorkspaceError(InputError):
    """A folder that is not a workspace, a newer schema, or a damaged catalogue."""
