"""The one lesion-type setting of every command and panel that takes lesion patches (extract,
train, export, review create, the t-SNE map): the same flag, label, choices and help, each
stating what it does with them and its default, chosen per purpose:
- extract, export, review create and the t-SNE map: every type (they take what the workspace
  holds; the setting narrows it);
- train: the preset's (alyafi2020 trains masses, as the paper did; the others every type)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .annotations.schema import FINDING_TYPES
from .settings import ALL, setting


def describe(types: Sequence[str] | None) -> str:
    """How help and notes name a lesion-type filter: its types, or 'all'."""
    return ", ".join(types) if types else ALL


def lesion_types_setting(uses: str, group: str, default_note: str = "") -> Any:
    """`uses`: what the command does with lesion patches of these types ("train on");
    `default_note`: said of the default when the flag is not given, where it is not 'all'."""
    return setting(
        None,
        label="Lesion types",
        help=f"the lesion types to {uses} (all: every type"
        + (f"; without the flag: {default_note}" if default_note else "")
        + ")",
        choices=FINDING_TYPES,
        none=ALL,
        group=group,
    )
