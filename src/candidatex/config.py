"""Settings read from the environment; names follow the technical spec.

Every setting is declared once, in the group of its concern below; its environment variable is the field name in
upper case (``CANDIDATEX_DATA_DIR`` is the one alias). ``Settings(...)`` takes values as given (tests, tools);
``Settings.from_env()`` reads the environment, and a bad value stops start-up with an error naming the variable.
docs/configuration.md documents every variable; tests/core/test_docs.py checks it against this model.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

# a comma-separated list in the environment ("a, b,c"), a list in Python
CommaList = Annotated[list[str], NoDecode]


class SettingsError(ValueError):
    """A setting with a bad value: the message names the environment variable."""


def _persistent_secret(data_dir: Path) -> str:
    """A generated signing key kept in the data folder, so tokens survive restarts of a dev install."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


class CoreSettings(BaseModel):
    app_env: str = "development"
    data_dir: Path = Field(Path("var"), validation_alias="CANDIDATEX_DATA_DIR")
    secret_key: str = ""
    secret_key_previous: CommaList = []
    public_url: str = "http://127.0.0.1:8000"
    # How long the server keeps an idle HTTP connection open. It must outlast clients' own idle expiry (httpx and
    # many pools: 5 s, uvicorn's default too): at equal timeouts the server closes a connection just as the client
    # reuses it, and the client's request fails with a dropped connection (2-4 of 200 creates in bench/load.py).
    http_keep_alive_seconds: float = Field(65.0, gt=0)
    demo_password: str = "Demo-Password-1!"  # noqa: S105 - the published password of the demo accounts
    seed_demo: bool = True  # a server seeds demo accounts only in development; `candidatex seed` anywhere else
    log_level: str = "INFO"
    log_json: bool = True


class DatabaseSettings(BaseModel):
    mongodb_url: str | None = None
    mongodb_db: str = "candidatex"
    db_sync_on_commit: bool = True  # the embedded database fsyncs each commit: acknowledged writes survive a crash
    db_replica_set: bool = False  # the embedded database keeps an oplog (change streams, retryable writes): slower writes
    redis_url: str | None = None


class AuthSettings(BaseModel):
    access_token_expire_minutes: int = 15
    refresh_token_expire_days: int = 7
    login_max_attempts: int = 5
    login_account_max_attempts: int = 20
    lockout_minutes: int = 15
    password_reset_expire_minutes: int = 60
    email_verify_expire_hours: int = 48
    jwt_private_key: str | None = None
    jwt_private_key_file: Path | None = None
    jwt_previous_public_key_files: CommaList = []
    field_encryption_key: str | None = None
    # keyring: the first key seals, every key opens (rotation: put the new key first, run `candidatex rotate-keys`)
    field_encryption_keys: CommaList = []
    audit_retention_days: int = 90


class LimitSettings(BaseModel):
    cors_origins: CommaList = ["http://127.0.0.1:8000", "http://localhost:8000"]
    rate_limit_per_minute: int = 300
    rate_limit_user_per_minute: int = 600
    rate_limits: str = ""  # per-endpoint budgets, e.g. "login=20/minute,register=10/hour" (core/middleware.py)
    max_request_bytes: int = 12 * 1024 * 1024
    trusted_proxies: CommaList = []


class EmailSettings(BaseModel):
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "CandidateX <no-reply@candidatex.dev>"
    smtp_tls: bool = True


class AISettings(BaseModel):
    ai_provider: str = "auto"
    ai_timeout_seconds: float = 20.0
    ai_retries: int = 2
    ai_circuit_cooldown_seconds: float = 60.0
    ai_scoring_workers: int = Field(1, ge=1)
    # "process": local scoring in worker processes of lower CPU priority, off the server's GIL
    ai_scoring_pool: Literal["thread", "process"] = "thread"
    ai_scoring_nice: int = Field(10, ge=0, le=19)
    gemini_api_key: str | None = None
    gemini_model: str | None = None
    gemini_base_url: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None


class InterviewSettings(BaseModel):
    interview_timer_seconds: float = 5.0
    deadline_check_seconds: float = 2.0
    # permessage-deflate on WebSockets: off, since stream frames are a few hundred bytes of JSON and each
    # compressing socket allocates ~45 KB of zlib state and compresses every frame
    ws_compression: bool = False


class MediaSettings(BaseModel):
    ice_servers: str = ""
    media_video_sample_fps: float = 2.0
    media_recording: bool = False
    media_recordings_dir: Path | None = None  # from_env: <data folder>/recordings


class TaskSettings(BaseModel):
    tasks_in_app: bool = True  # run background tasks inside the app process (default: when REDIS_URL is unset)
    task_concurrency: int = 2


class MatchingSettings(BaseModel):
    match_weight_skills: float = 0.35
    match_weight_experience: float = 0.20
    match_weight_education: float = 0.10
    match_weight_text_similarity: float = 0.20
    match_weight_career_consistency: float = 0.15
    match_weight_interview: float = 0.20


class ScreeningSettings(BaseModel):
    # screening interviews (screening/): the score at which the AI recommends advancing (a person decides),
    # when the reminder goes out, how often the reminder task runs, how long answers are kept after a decision
    screening_advance_score: float = Field(60.0, ge=0, le=100)
    screening_reminder_hours: float = Field(24.0, gt=0)
    screening_reminder_check_seconds: float = Field(300.0, gt=0)
    screening_retention_days: int = Field(180, ge=1)


class EmbeddingSettings(BaseModel):
    embedding_model: Path | None = None
    embedding_threads: int = Field(1, ge=1)


class AntiCheatSettings(BaseModel):
    face_detection_enabled: bool = True
    anti_cheat_threshold: str = ""
    tab_switch_detection: bool = True
    anti_cheat_sample_fps: float = 2.0
    anti_cheat_window_seconds: float = 3.0
    anti_cheat_min_ratio: float = 0.6
    anti_cheat_min_samples: int = 3
    anti_cheat_look_away_yaw_deg: float = 30.0
    anti_cheat_look_away_pitch_deg: float = 22.0
    anti_cheat_look_away_pitch_neutral_deg: float = 6.5
    anti_cheat_look_away_nose_offset: float = Field(0.45, gt=0)
    anti_cheat_disabled_checks: CommaList = []
    integrity_key: str | None = None
    anti_cheat_precheck_camera: bool = True
    anti_cheat_fullscreen_grace_seconds: float = 10.0
    anti_cheat_heartbeat_timeout_seconds: float = 20.0
    anti_cheat_consent_required: bool = True
    anti_cheat_retention_days: int = 365


class SpeechSettings(BaseModel):
    whisper_model: str | None = "auto"  # base on two cores or more, else tiny.en (speech/models.py auto_model)
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_max_concurrent: int = 1
    whisper_beam_size: int = 5
    whisper_cpu_threads: int = 0
    whisper_encoder_min_seconds: float = Field(15.0, ge=0, le=30)  # the encoder's window, cut after the audio (speech/transcriber.py)
    whisper_partial_model: str = "auto"  # decodes the partials: auto, same, none or a model (speech/transcriber.py partial_transcriber)
    speech_end_silence_ms: int = 8000
    speech_turn_silence_ms: int = 700
    speech_turn_unsure_silence_ms: int = 3000
    speech_turn_min_answer_words: int = 10
    speech_reconnect_grace_seconds: float = 30.0
    speech_vad_model: str | None = None
    speech_turn_model: str | None = None
    speech_max_chunk_ms: int = 20_000
    speech_final_beam_size: int = 0
    speech_max_upload_bytes: int = 10 * 1024 * 1024
    speech_max_upload_seconds: float = 300.0
    speech_preload: bool = True

    @field_validator("whisper_partial_model")
    @classmethod
    def _known_partial_model(cls, name: str) -> str:
        if name in ("auto", "same", "none", "tiny.en", "base") or Path(name).is_dir():
            return name
        raise ValueError("use auto, same, none, tiny.en, base or a CTranslate2 model directory")


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of os.environ (tests pass their own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


class Settings(
    BaseSettings,
    CoreSettings,
    DatabaseSettings,
    AuthSettings,
    LimitSettings,
    EmailSettings,
    AISettings,
    InterviewSettings,
    MediaSettings,
    TaskSettings,
    MatchingSettings,
    ScreeningSettings,
    EmbeddingSettings,
    AntiCheatSettings,
    SpeechSettings,
):
    # an empty variable counts as unset, as it always has; names are matched in any case
    model_config = SettingsConfigDict(env_ignore_empty=True, case_sensitive=False, extra="ignore",
                                      populate_by_name=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # Settings(...) is exactly what it is given; from_env() reads the environment

    @field_validator("secret_key_previous", "jwt_previous_public_key_files", "field_encryption_keys",
                     "cors_origins", "trusted_proxies", "anti_cheat_disabled_checks", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @model_validator(mode="before")
    @classmethod
    def _derived_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and "tasks_in_app" not in data:
            data = {**data, "tasks_in_app": not data.get("redis_url")}  # no Redis: the app runs its own tasks
        return data

    @model_validator(mode="after")
    def _demo_only_in_development(self) -> Settings:
        self.seed_demo = self.seed_demo and self.app_env == "development"
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """Field name -> the environment variable that sets it."""
        return {name: str(field.validation_alias or name).upper() for name, field in cls.model_fields.items()}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        values: dict[str, Any] = _MappingEnvSource(cls, os.environ if env is None else env)()
        data_dir = Path(values.get("CANDIDATEX_DATA_DIR") or values.get("data_dir") or "var")
        if not values.get("secret_key"):
            if values.get("app_env") == "production":
                raise SettingsError("SECRET_KEY must be set when APP_ENV=production")
            values["secret_key"] = _persistent_secret(data_dir)
        values.setdefault("media_recordings_dir", data_dir / "recordings")
        try:
            return cls(**values)
        except ValidationError as error:
            raise SettingsError(cls._explain(error)) from None

    @classmethod
    def _explain(cls, error: ValidationError) -> str:
        names = cls.env_names()
        problems = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else ""
            name = names.get(field, field.upper())
            secret = any(word in name for word in ("KEY", "PASSWORD", "SECRET"))
            shown = "" if secret or "input" not in item else f" (got {item['input']!r})"
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{name}: {message}{shown}")
        return "invalid settings: " + "; ".join(problems)

    def __repr__(self) -> str:  # secrets never reach logs
        return f"Settings(app_env={self.app_env!r}, data_dir={str(self.data_dir)!r}, mongodb={'url' if self.mongodb_url else 'embedded'}, redis={'url' if self.redis_url else 'memory'})"

    __str__ = __repr__
