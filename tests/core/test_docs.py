"""docs/ stays true: every environment variable the app reads is documented, with the default the model has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from candidatex.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "configuration.md").read_text()
# the app's tables end where the docker-compose section (variables the app never reads) begins
APP_PART = PAGE.split("## docker-compose variables")[0]
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.*?) \|", re.MULTILINE)


def _documented_defaults() -> dict[str, str]:
    return {name: cell.strip() for name, cell in ROW.findall(APP_PART)}


def _as_documented(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def test_every_setting_is_documented() -> None:
    missing = sorted(name for name in Settings.env_names().values() if f"`{name}`" not in APP_PART)
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_every_documented_variable_is_a_setting() -> None:
    known = set(Settings.env_names().values())
    stale = sorted(name for name in _documented_defaults() if name not in known)
    assert not stale, f"docs/configuration.md documents variables the app does not read: {stale}"


def test_documented_defaults_are_the_model_defaults() -> None:
    """A default cell that is one literal (`15`, `true`, `cpu`) must be the field's default; prose cells
    ("unset → embedded", "spec values") describe a default computed at start-up and are not compared."""
    names = Settings.env_names()
    documented = _documented_defaults()
    checked = 0
    for field_name, env_name in names.items():
        cell = documented.get(env_name, "")
        literal = re.fullmatch(r"`([^`]*)`", cell)
        default = Settings.model_fields[field_name].default
        if not literal or default is None:
            continue
        expected = literal.group(1).removeprefix("./")
        if isinstance(default, int | float) and not isinstance(default, bool):
            assert float(expected) == default, f"{env_name}: docs say {expected!r}, the model has {default!r}"
        else:
            assert _as_documented(default) == expected, f"{env_name}: docs say {expected!r}, the model has {default!r}"
        checked += 1
    assert checked >= 60  # most defaults are plain literals: a broken parser must not pass by checking none
