"""The session lifecycle as typed events on one small in-process bus.

The interview service publishes each event once, after the state change is stored; media, anti-cheat, speech,
the process clock and the stream subscribe by event type. A subscriber that fails is logged and does not stop
the others (the interview has changed state whatever a subscriber does). These are in-process facts; what
clients see travels separately as numbered stream events (interviews/events.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from candidatex.core.bus import TypedBus


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


class LifecycleBus(TypedBus[LifecycleEvent]):
    """The interview service publishes; media, anti-cheat, speech, the clock and screening subscribe."""

    def __init__(self) -> None:
        super().__init__("lifecycle")
