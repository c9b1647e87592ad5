"""Drive an operation (a generator of events) to its end, handing each event to a callback."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .events import Event, Finished


def drive(
    events: Iterable[Event], on_event: Callable[[Event], None] | None = None
) -> dict[str, Any]:
    """Consume all events; return the summary of the last `Finished` (empty if none came)."""
    summary: dict[str, Any] = {}
    for event in events:
        if on_event is not None:
            on_event(event)
        if isinstance(event, Finished):
            summary = event.as_dict()
    return summary
