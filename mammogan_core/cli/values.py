"""Flags and parsers of flag values that several subcommands share, so that a list flag takes
one form and one validation everywhere, and --overwrite one meaning."""

from __future__ import annotations

import argparse

from ..annotations.schema import FINDING_TYPES, PATHOLOGIES
from ..errors import InputError


def lesion_types(text: str | None) -> tuple[str, ...] | None:
    """`--lesion-types mass,calcification`: a comma list of known finding types (None when the
    flag is not given)."""
    return comma_list("--lesion-types", "type", text, FINDING_TYPES)


def pathologies(text: str | None) -> tuple[str, ...] | None:
    """`--pathology benign,malignant`: a comma list of known pathologies (None when the flag
    is not given)."""
    return comma_list("--pathology", "pathology", text, PATHOLOGIES)


def add_overwrite_flag(p: argparse.ArgumentParser, replaces: str) -> None:
    """--overwrite of a command that writes a folder of files (`output_folder`)."""
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=f"write into a non-empty folder, replacing {replaces} (other files are kept)",
    )


def comma_list(
    flag: str, noun: str, text: str | None, known: tuple[str, ...]
) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    unknown = [t for t in names if t not in known]
    if unknown or not names:
        what = f"unknown {noun} {', '.join(unknown)}" if unknown else f"no {noun} given"
        raise InputError(f"{flag}: {what}; give a comma list of {', '.join(known)}")
    return names
