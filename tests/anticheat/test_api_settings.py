"""Anti-cheat settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.config import Settings

BASE = {"SECRET_KEY": "x" * 40}


def test_defaults_and_overrides(tmp_path: Path) -> None:
    defaults = Settings.from_env({**BASE, "CANDIDATEX_DATA_DIR": str(tmp_path)})
    assert defaults.face_detection_enabled and defaults.tab_switch_detection
    assert defaults.anti_cheat_threshold == "" and defaults.anti_cheat_window_seconds == 3.0
    custom = Settings.from_env({**BASE, "CANDIDATEX_DATA_DIR": str(tmp_path), "FACE_DETECTION_ENABLED": "false",
                                "TAB_SWITCH_DETECTION": "0", "ANTI_CHEAT_THRESHOLD": "3,tab_switch=4",
                                "ANTI_CHEAT_SAMPLE_FPS": "4", "ANTI_CHEAT_WINDOW_SECONDS": "1.5",
                                "ANTI_CHEAT_MIN_RATIO": "0.5", "ANTI_CHEAT_MIN_SAMPLES": "4",
                                "ANTI_CHEAT_LOOK_AWAY_YAW_DEG": "40", "ANTI_CHEAT_LOOK_AWAY_PITCH_DEG": "35",
                                "ANTI_CHEAT_LOOK_AWAY_NOSE_OFFSET": "0.6",
                                "ANTI_CHEAT_DISABLED_CHECKS": "camera_frozen, looking_away"})
    assert not custom.face_detection_enabled and not custom.tab_switch_detection
    assert custom.anti_cheat_threshold == "3,tab_switch=4" and custom.anti_cheat_sample_fps == 4.0
    assert custom.anti_cheat_window_seconds == 1.5 and custom.anti_cheat_min_ratio == 0.5
    assert custom.anti_cheat_min_samples == 4 and custom.anti_cheat_look_away_yaw_deg == 40.0
    assert custom.anti_cheat_look_away_pitch_deg == 35.0 and custom.anti_cheat_look_away_nose_offset == 0.6
    assert custom.anti_cheat_disabled_checks == ["camera_frozen", "looking_away"]


@pytest.mark.parametrize("value", ["tab_switch=many", "teleport=1", "-1"])
def test_a_bad_threshold_stops_start_up(tmp_path: Path, value: str) -> None:
    """The strike policy owns the syntax (config imports no domain): building it, at start-up, refuses the value."""
    settings = Settings.from_env({**BASE, "CANDIDATEX_DATA_DIR": str(tmp_path), "ANTI_CHEAT_THRESHOLD": value})
    with pytest.raises(ValueError, match="ANTI_CHEAT_THRESHOLD"):
        AntiCheatCoordinator(None, None, settings)  # type: ignore[arg-type] - only the settings are read here


def test_a_nose_offset_limit_of_zero_is_refused(tmp_path: Path) -> None:
    # 0 would flag every face whose nose is a pixel off centre
    with pytest.raises(ValueError, match="anti_cheat_look_away_nose_offset|ANTI_CHEAT_LOOK_AWAY_NOSE_OFFSET"):
        Settings.from_env({**BASE, "CANDIDATEX_DATA_DIR": str(tmp_path), "ANTI_CHEAT_LOOK_AWAY_NOSE_OFFSET": "0"})
