"""Settings from the environment: the names of the spec, clear errors at start-up, the defaults one machine needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from candidatex.config import Settings, SettingsError

KEY = "k" * 40


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"CANDIDATEX_DATA_DIR": str(tmp_path), "SECRET_KEY": KEY, **values}


@pytest.mark.parametrize(("name", "value"), [("SMTP_PORT", "five-eight-seven"), ("LOG_JSON", "perhaps"),
                                             ("AI_TIMEOUT_SECONDS", "soon"), ("TASK_CONCURRENCY", "2.5")])
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=rf"{name}: .*'{value}'"):
        Settings.from_env(_env(tmp_path, **{name: value}))


def test_a_bad_secret_is_named_but_never_shown(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY: must be at least 32 characters") as error:
        Settings.from_env(_env(tmp_path, SECRET_KEY="short-secret"))
    assert "short-secret" not in str(error.value)


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY must be set when APP_ENV=production"):
        Settings.from_env({"CANDIDATEX_DATA_DIR": str(tmp_path), "APP_ENV": "production"})


def test_a_dev_install_keeps_its_generated_key(tmp_path: Path) -> None:
    first = Settings.from_env({"CANDIDATEX_DATA_DIR": str(tmp_path)})
    again = Settings.from_env({"CANDIDATEX_DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32 and first.secret_key == again.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_values_are_read_and_converted(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path, CORS_ORIGINS=" https://a.example, https://b.example ,",
                                      SMTP_PORT="2525", SMTP_TLS="off", PUBLIC_URL="https://cx.example/",
                                      LOG_LEVEL="debug", MEDIA_RECORDINGS_DIR="/srv/rec", MATCH_WEIGHT_SKILLS="0.5"))
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.smtp_port == 2525 and settings.smtp_tls is False and settings.match_weight_skills == 0.5
    assert settings.public_url == "https://cx.example" and settings.log_level == "DEBUG"
    assert settings.media_recordings_dir == Path("/srv/rec")


def test_an_empty_variable_means_unset(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path, SMTP_PORT="", REDIS_URL="", OPENAI_API_KEY="", LOG_JSON=""))
    assert settings.smtp_port == 587 and settings.redis_url is None and settings.openai_api_key is None
    assert settings.log_json is True and settings.tasks_in_app is True


def test_defaults_that_follow_other_settings(tmp_path: Path) -> None:
    local = Settings.from_env(_env(tmp_path))
    assert local.tasks_in_app and local.media_recordings_dir == tmp_path / "recordings" and local.seed_demo
    with_redis = Settings.from_env(_env(tmp_path, REDIS_URL="redis://redis:6379/0", APP_ENV="staging"))
    assert not with_redis.tasks_in_app and not with_redis.seed_demo  # a worker runs tasks; demo only in dev
    forced = Settings.from_env(_env(tmp_path, REDIS_URL="redis://redis:6379/0", TASKS_IN_APP="true"))
    assert forced.tasks_in_app


def test_the_process_environment_is_read_but_constructor_values_are_exact(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDIDATEX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", KEY)
    monkeypatch.setenv("WHISPER_BEAM_SIZE", "2")
    assert Settings.from_env().whisper_beam_size == 2
    assert Settings().whisper_beam_size == 5 and Settings(whisper_beam_size=3).whisper_beam_size == 3


def test_secrets_stay_out_of_the_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path, SMTP_PASSWORD="hunter2-smtp", OPENAI_API_KEY="sk-test-123"))
    for text in (repr(settings), str(settings)):
        assert KEY not in text and "hunter2-smtp" not in text and "sk-test-123" not in text


def test_the_command_reports_a_bad_variable_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from candidatex.cli import main

    monkeypatch.setenv("CANDIDATEX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TASK_CONCURRENCY", "many")
    assert main(["worker"]) == 2
    assert "TASK_CONCURRENCY" in capsys.readouterr().err
