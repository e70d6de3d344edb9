"""Writes the API's OpenAPI schema (from create_app) to frontend/openapi/schema.json.

`npm run build` turns that file into src/lib/api-schema.ts with openapi-typescript, so a field renamed in
the API breaks `tsc` instead of a page. Run after changing any request or response model:

    uv run --frozen python frontend/openapi/export_schema.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def schema() -> dict:
    os.environ.setdefault("CANDIDATEX_DATA_DIR", tempfile.mkdtemp(prefix="candidatex-openapi-"))
    from candidatex.app import create_app

    document = create_app().openapi_schema.to_schema()
    named = document["components"]["schemas"]
    extra = stream_schemas()
    clash = sorted(set(named) & set(extra))
    if clash:
        raise SystemExit(f"stream event models named like API schemas: {clash}")
    named.update(extra)
    return document


def stream_schemas() -> dict:
    """The WS stream's events (ws/events.py): no HTTP route returns them, so they are added by name."""
    from pydantic.json_schema import models_json_schema

    from candidatex.ws import events

    models = [events.StreamEvent, events.ErrorEvent, *events.EVENT_DATA.values()]
    # validation mode: a field with a default may be absent from an event, as it is in the schema of a request
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    return defs["$defs"]


def render() -> str:
    return json.dumps(schema(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    target = HERE / "schema.json"
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if target.exists() and target.read_text() == text else "frontend/openapi/schema.json is stale")
    target.write_text(text)
    print(f"wrote {target}")
