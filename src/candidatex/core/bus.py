"""Typed in-process events: subscribers per event type, called in the order they subscribed.

A subscriber that fails is logged and the others still run: the publisher's change is stored whatever a subscriber
does, and the rest must still hear of it. Events are frozen dataclasses; the failure log names the event and its
ids (never other fields). Two buses use it: the interview lifecycle (interviews/lifecycle.py) and the hiring
domains (résumés and jobs publish, matching subscribes; background.build_domain wires them).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

B = TypeVar("B")  # what the bus carries
E = TypeVar("E")  # one event type of it
Handler = Callable[[Any], Awaitable[None]]


class TypedBus(Generic[B]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: B) -> None:
        for handler in self._handlers.get(type(event), ()):
            try:
                await handler(event)
            except Exception:  # noqa: BLE001 - one subscriber's failure must not hide the event from the rest
                logger.exception(f"{self.name} subscriber failed", extra={"event": type(event).__name__, **_ids(event)})


def _ids(event: object) -> dict[str, Any]:
    if not dataclasses.is_dataclass(event):
        return {}
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name.endswith("_id")}
