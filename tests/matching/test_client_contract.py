"""The frontend's types are generated from the API's OpenAPI schema: the committed schema must be the one
create_app produces, so a renamed response field changes api-schema.ts and breaks `tsc`, not a page."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPORTER = ROOT / "frontend" / "openapi" / "export_schema.py"


def test_the_committed_openapi_schema_is_current() -> None:
    spec = importlib.util.spec_from_file_location("export_schema", EXPORTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "frontend" / "openapi" / "schema.json").read_text()
    assert module.render() == committed, "run: uv run --frozen python frontend/openapi/export_schema.py"
    ranked = json.loads(committed)["components"]["schemas"]["RankedCandidate"]["properties"]
    assert {"total", "breakdown", "reasons", "flags", "rank"} <= set(ranked)  # what the ranking page reads
    generated = (ROOT / "frontend" / "src" / "lib" / "api-schema.ts").read_text()
    assert "RankedCandidate: {" in generated and "reasons?: components[\"schemas\"][\"Reason\"][]" in generated
