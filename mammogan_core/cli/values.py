"""Parsers of flag values that several subcommands share, so that a list flag takes one form
and one validation everywhere."""

from __future__ import annotations

from ..annotations.schema import FINDING_TYPES
from ..errors import InputError


def lesion_types(text: str | None) -> tuple[str, ...] | None:
    """`--lesion-types mass,calcification`: a comma list of known finding types (None when the
    flag is not given)."""
    if text is None:
        return None
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    unknown = [t for t in names if t not in FINDING_TYPES]
    if unknown or not names:
        what = f"unknown type {', '.join(unknown)}" if unknown else "no type given"
        raise InputError(f"--lesion-types: {what}; give a comma list of {', '.join(FINDING_TYPES)}")
    return names
