"""The session lifecycle as typed events on one small in-process bus.

The interview service publishes each event once, after the state change is stored; media, anti-cheat, speech,
the process clock and the stream subscribe by event type. A subscriber that fails is logged and does not stop
the others (the interview has changed state whatever a subscriber does). These are in-process facts; what
clients see travels separately as numbered stream events (interviews/events.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    session_id: str


@dataclass(frozen=True, slots=True)
class SessionStarted(LifecycleEvent):
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionPaused(LifecycleEvent):
    remaining_seconds: int | None


@dataclass(frozen=True, slots=True)
class SessionResumed(LifecycleEvent):
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class QuestionAsked(LifecycleEvent):
    question_id: str
    number: int


@dataclass(frozen=True, slots=True)
class AnswerReceived(LifecycleEvent):
    question_id: str
    answer_type: str


@dataclass(frozen=True, slots=True)
class AnswerEvaluated(LifecycleEvent):
    question_id: str
    score: float | None


@dataclass(frozen=True, slots=True)
class SessionEnded(LifecycleEvent):
    reason: str
    actor_id: str | None = None


E = TypeVar("E", bound=LifecycleEvent)
Handler = Callable[[Any], Awaitable[None]]


class LifecycleBus:
    """Subscribers per event type, called in the order they subscribed."""

    def __init__(self) -> None:
        self._handlers: dict[type[LifecycleEvent], list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: LifecycleEvent) -> None:
        for handler in self._handlers.get(type(event), ()):
            try:
                await handler(event)
            except Exception:  # noqa: BLE001 - one subscriber's failure must not hide the event from the rest
                logger.exception("lifecycle subscriber failed", extra={"session_id": event.session_id,
                                                                       "event": type(event).__name__})
