"""Request and response types of the anti-cheat endpoints."""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from candidatex.anticheat.signals import TAB_PATTERN, ClientSignal, SignalKind

MAX_SIGNAL_DATA_BYTES = 4096
MAX_BATCH = 100
_INT64 = 2**63 - 1


def _check_value(value: Any, depth: int = 0) -> None:
    """Signal data is stored in MongoDB and hashed into the chain: plain JSON, safe keys, BSON-sized numbers."""
    if depth > 6:
        raise ValueError("data is nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key or key.startswith("$") or "." in key or "\x00" in key:
                raise ValueError(f"data key {key!r} is not allowed (empty, '$' prefix, '.' or NUL)")
            _check_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if not -_INT64 - 1 <= value <= _INT64:
            raise ValueError("data holds an integer out of the 64-bit range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("data holds a non-finite number")
    else:
        raise ValueError("data must be JSON")


class SignalIn(BaseModel):
    """One signed browser signal (see docs/anticheat.md). ``session_id``, if sent, must match the path."""

    model_config = ConfigDict(extra="forbid")

    kind: SignalKind
    seq: int = Field(ge=1, le=2**31 - 1)
    ts: int = Field(ge=0, le=2**53, description="client clock, epoch milliseconds")
    data: dict[str, Any] = Field(default_factory=dict)
    hmac: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="hex HMAC-SHA256 of the canonical signal")
    session_id: str | None = Field(default=None, max_length=64)
    tab: str | None = Field(default=None, pattern=TAB_PATTERN,
                            description="the page's tab id: its signals are signed with the tab key and numbered per tab")

    @field_validator("data")
    @classmethod
    def plain_json(cls, data: dict[str, Any]) -> dict[str, Any]:
        _check_value(data)
        if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_SIGNAL_DATA_BYTES:
            raise ValueError(f"data must be at most {MAX_SIGNAL_DATA_BYTES} bytes of JSON")
        return data

    def to_signal(self) -> ClientSignal:
        return ClientSignal(kind=self.kind, seq=self.seq, ts=self.ts, data=self.data, hmac=self.hmac, tab=self.tab)


class SignalsIn(RootModel[SignalIn | list[SignalIn]]):
    """One signal, or a batch of up to 100 in sequence order."""

    @property
    def batch(self) -> list[SignalIn]:
        return self.root if isinstance(self.root, list) else [self.root]


class StrikeOut(BaseModel):
    kind: str
    count: int
    threshold: int
    terminate: bool
    message: str


class SignalResult(BaseModel):
    seq: int
    kind: str
    accepted: bool
    problem: str | None = Field(default=None, description="replay | forgery | gap | too_many_tabs | session_ended")
    strike: StrikeOut | None = None


class SignalsOut(BaseModel):
    results: list[SignalResult]
    status: str
    terminated_reason: str | None = None
    strike_counts: dict[str, int] = Field(default_factory=dict)
    last_seq: int = 0


class SignalStateOut(BaseModel):
    last_seq: int = Field(description="the highest accepted seq: a reloaded page continues from last_seq + 1")
    strike_counts: dict[str, int]
    thresholds: dict[str, int]
    status: str


class VerifyOut(BaseModel):
    valid: bool
    first_broken_index: int | None
    checked: int
    explanation: str
    problems: list[str] = Field(default_factory=list)
    checkpoints_checked: int = 0


class CheckpointIn(BaseModel):
    """A checkpoint as the server handed it out (candidates and recruiters keep a copy)."""

    model_config = ConfigDict(extra="forbid")
    version: str = Field(max_length=64)
    session_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    length: int = Field(ge=0, le=1_000_000)
    head: str | None = Field(default=None, max_length=64)
    signed_at: str = Field(max_length=40)
    key_id: str = Field(max_length=32)
    signature: str = Field(max_length=128)


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checkpoint: CheckpointIn | None = None


class CheckpointsOut(BaseModel):
    session_id: str
    checkpoints: list[dict[str, Any]]
    public_key: str = Field(description="base64 Ed25519 public key that verifies the checkpoints' signatures")
    key_id: str


class TimelineEntryOut(BaseModel):
    """One entry of the integrity timeline (anticheat/report.py integrity_report); a flag a reviewer dismissed
    after an appeal also has `dismissed: true` (left out otherwise, so it is passed on as an extra field)."""

    model_config = ConfigDict(extra="allow")

    index: int
    at: str | None
    event: str
    details: dict[str, Any] = Field(default_factory=dict)


class IntegrityOut(BaseModel):
    session_id: str
    status: str
    terminated_reason: str | None
    thresholds: dict[str, int]
    timeline: list[TimelineEntryOut]
    counts_by_kind: dict[str, int]
    strikes: dict[str, int]
    risk_score: float
    risk_level: str
    evidence: list[dict[str, Any]]
    snapshots: list[dict[str, Any]]
    chain: dict[str, Any]
    notes: list[str]
    checkpoints: list[dict[str, Any]] = Field(default_factory=list)
    verification: VerifyOut | None = None


class FlagOut(BaseModel):
    """One flag (a strike in the log) as the candidate and the reviewers see it."""

    index: int
    kind: str
    at: Any
    source: str | None
    rule: str
    strike: int | None
    threshold: int | None
    evidence: dict[str, Any]
    snapshot_url: str | None
    appeal: dict[str, Any] | None
    decision: dict[str, Any] | None
    status: str = Field(description="open | contested | upheld | dismissed")


class FlagsOut(BaseModel):
    session_id: str
    status: str
    flags: list[FlagOut]


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    comment: str = Field(min_length=3, max_length=2000, description="why the candidate contests the flag")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    outcome: Literal["upheld", "dismissed"]
    note: str = Field(default="", max_length=2000)


class NoticeOut(BaseModel):
    """The proctoring notice the candidate agrees to before the system check."""

    version: str
    title: str
    monitored: list[str]
    kept: str
    who_sees: str
    retention: str
    retention_days: int = Field(description="days after the interview ends until the log and snapshots are deleted; 0: kept with the interview")


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notice_version: str = Field(min_length=1, max_length=40, description="the `version` of the notice agreed to")


class ConsentOut(BaseModel):
    notice: NoticeOut
    consent: dict[str, Any] | None = Field(description="{user_id, at, notice_version, retention_days}, or null")
    required: bool = Field(description="whether the precheck is refused without a consent to the current notice")
