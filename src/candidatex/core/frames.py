"""One reading of a client's text frame for every socket: bounded, JSON, an object, a known and declared type.

A frame that fails any step raises `BadFrame` with the lower-case code the socket answers in its `error` event
(`{"type": "error", code, message}` on the interview stream, the live interview and the phone's audio socket alike);
the socket itself stays open.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from pydantic import TypeAdapter, ValidationError

from candidatex.core.inputs import nested_too_deep


class BadFrame(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def validation_message(error: ValidationError) -> str:
    """What was wrong, field by field (the field's name, never the value sent)."""
    return "; ".join(f"{e['loc'][-1]}: {e['msg']}" if e["loc"] else e["msg"] for e in error.errors())


def read_frame(raw: str | bytes, max_bytes: int, known: Collection[str], declared: TypeAdapter[Any] | None = None,
               declared_types: Collection[str] = ()) -> dict[str, Any]:
    """The frame as a JSON object whose `type` is in `known`; types in `declared_types` are validated against
    `declared` (the rest belong to handlers that validate their own, such as anti-cheat signals)."""
    body = raw.encode() if isinstance(raw, str) else raw
    if len(body) > max_bytes:
        raise BadFrame("message_too_large", f"Messages are at most {max_bytes} bytes")
    if nested_too_deep(body):  # checked on the bytes: parsing never recurses on what a client nests
        raise BadFrame("bad_message", "Messages are JSON objects (nested too deep)")
    try:
        message = json.loads(body)
    except ValueError:
        raise BadFrame("bad_message", "Messages must be JSON objects") from None
    if not isinstance(message, dict):
        raise BadFrame("bad_message", "Messages must be JSON objects")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in known:
        raise BadFrame("unknown_type", f"Unknown message type: {kind!r}")
    if declared is not None and kind in declared_types:
        try:
            declared.validate_python(message)
        except ValidationError as error:
            raise BadFrame("validation_error", validation_message(error)) from None
    return message
