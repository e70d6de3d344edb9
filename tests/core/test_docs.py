"""docs/ stays true: every environment variable the app reads is documented."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_compose import _settings_env_names

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in _settings_env_names() if f"`{name}`" not in documented)
    assert not missing, f"add these to docs/configuration.md: {missing}"
