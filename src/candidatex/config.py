"""Settings read from the environment; names follow the technical spec."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None, default: list[str]) -> list[str]:
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


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


@dataclass
class Settings:
    app_env: str = "development"
    data_dir: Path = Path("var")
    secret_key: str = ""
    public_url: str = "http://127.0.0.1:8000"

    mongodb_url: str | None = None
    mongodb_db: str = "candidatex"
    db_sync_on_commit: bool = True  # the embedded database fsyncs each commit: acknowledged writes survive a crash
    redis_url: str | None = None

    access_token_expire_minutes: int = 15
    refresh_token_expire_days: int = 7
    login_max_attempts: int = 5
    lockout_minutes: int = 15
    password_reset_expire_minutes: int = 60
    email_verify_expire_hours: int = 48

    cors_origins: list[str] = field(default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"])
    rate_limit_per_minute: int = 300
    rate_limit_user_per_minute: int = 600
    max_request_bytes: int = 12 * 1024 * 1024
    audit_retention_days: int = 90
    field_encryption_key: str | None = None
    # keyring: the first key seals, every key opens (rotation: put the new key first, run `candidatex rotate-keys`)
    field_encryption_keys: list[str] = field(default_factory=list)
    secret_key_previous: list[str] = field(default_factory=list)
    jwt_private_key: str | None = None
    jwt_private_key_file: Path | None = None
    jwt_previous_public_key_files: list[str] = field(default_factory=list)
    trusted_proxies: list[str] = field(default_factory=list)
    login_account_max_attempts: int = 20
    rate_limits: str = ""  # per-endpoint budgets, e.g. "login=20/minute,register=10/hour" (core/middleware.py)

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "CandidateX <no-reply@candidatex.dev>"
    smtp_tls: bool = True

    ai_provider: str = "auto"
    ai_timeout_seconds: float = 20.0
    ai_retries: int = 2
    ai_circuit_cooldown_seconds: float = 60.0
    gemini_api_key: str | None = None
    gemini_model: str | None = None
    gemini_base_url: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str | None = None
    interview_timer_seconds: float = 5.0
    deadline_check_seconds: float = 2.0

    ice_servers: str = ""
    media_video_sample_fps: float = 2.0
    media_recording: bool = False
    media_recordings_dir: Path | None = None

    tasks_in_app: bool = True  # run background tasks inside the app process (default: when REDIS_URL is unset)
    task_concurrency: int = 2
    match_weight_skills: float = 0.35
    match_weight_experience: float = 0.20
    match_weight_education: float = 0.10
    match_weight_text_similarity: float = 0.20
    match_weight_career_consistency: float = 0.15
    match_weight_interview: float = 0.20
    # screening interviews (screening/): the score at which the AI recommends advancing (a person decides),
    # when the reminder goes out, how often the reminder task runs, how long answers are kept after a decision
    screening_advance_score: float = 60.0
    screening_reminder_hours: float = 24.0
    screening_reminder_check_seconds: float = 300.0
    screening_retention_days: int = 180
    face_detection_enabled: bool = True
    anti_cheat_threshold: str = ""
    tab_switch_detection: bool = True
    anti_cheat_sample_fps: float = 2.0
    anti_cheat_window_seconds: float = 3.0
    anti_cheat_min_ratio: float = 0.6
    anti_cheat_min_samples: int = 3
    anti_cheat_look_away_yaw_deg: float = 30.0
    anti_cheat_look_away_pitch_deg: float = 25.0
    anti_cheat_disabled_checks: list[str] = field(default_factory=list)
    integrity_key: str | None = None
    anti_cheat_precheck_camera: bool = True
    anti_cheat_fullscreen_grace_seconds: float = 10.0
    anti_cheat_heartbeat_timeout_seconds: float = 20.0
    anti_cheat_consent_required: bool = True
    anti_cheat_retention_days: int = 365
    whisper_model: str | None = None
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_max_concurrent: int = 1
    whisper_beam_size: int = 5
    whisper_cpu_threads: int = 0
    speech_end_silence_ms: int = 8000
    speech_turn_silence_ms: int = 700
    speech_turn_unsure_silence_ms: int = 3000
    speech_reconnect_grace_seconds: float = 30.0
    speech_vad_model: str | None = None
    speech_turn_model: str | None = None
    speech_max_chunk_ms: int = 20_000
    speech_final_beam_size: int = 0
    speech_max_upload_bytes: int = 10 * 1024 * 1024
    speech_max_upload_seconds: float = 300.0
    speech_preload: bool = True
    embedding_model: Path | None = None
    embedding_threads: int = 2

    demo_password: str = "Demo-Password-1!"
    seed_demo: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        e = os.environ if env is None else env
        data_dir = Path(e.get("CANDIDATEX_DATA_DIR", "var"))
        defaults = cls()
        secret = e.get("SECRET_KEY") or ""
        app_env = e.get("APP_ENV", defaults.app_env)
        if not secret:
            if app_env == "production":
                raise ValueError("SECRET_KEY must be set when APP_ENV=production")
            secret = _persistent_secret(data_dir)
        if len(secret) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        from candidatex.anticheat.policy import parse_thresholds

        parse_thresholds(e.get("ANTI_CHEAT_THRESHOLD"))  # a bad value stops start-up with a clear message
        return cls(
            app_env=app_env,
            data_dir=data_dir,
            secret_key=secret,
            public_url=e.get("PUBLIC_URL", defaults.public_url).rstrip("/"),
            mongodb_url=e.get("MONGODB_URL") or None,
            mongodb_db=e.get("MONGODB_DB", defaults.mongodb_db),
            db_sync_on_commit=_bool(e.get("DB_SYNC_ON_COMMIT"), defaults.db_sync_on_commit),
            redis_url=e.get("REDIS_URL") or None,
            access_token_expire_minutes=int(e.get("ACCESS_TOKEN_EXPIRE_MINUTES", defaults.access_token_expire_minutes)),
            refresh_token_expire_days=int(e.get("REFRESH_TOKEN_EXPIRE_DAYS", defaults.refresh_token_expire_days)),
            login_max_attempts=int(e.get("LOGIN_MAX_ATTEMPTS", defaults.login_max_attempts)),
            lockout_minutes=int(e.get("LOCKOUT_MINUTES", defaults.lockout_minutes)),
            password_reset_expire_minutes=int(
                e.get("PASSWORD_RESET_EXPIRE_MINUTES", defaults.password_reset_expire_minutes)
            ),
            email_verify_expire_hours=int(e.get("EMAIL_VERIFY_EXPIRE_HOURS", defaults.email_verify_expire_hours)),
            cors_origins=_list(e.get("CORS_ORIGINS"), defaults.cors_origins),
            rate_limit_per_minute=int(e.get("RATE_LIMIT_PER_MINUTE", defaults.rate_limit_per_minute)),
            rate_limit_user_per_minute=int(e.get("RATE_LIMIT_USER_PER_MINUTE", defaults.rate_limit_user_per_minute)),
            max_request_bytes=int(e.get("MAX_REQUEST_BYTES", defaults.max_request_bytes)),
            audit_retention_days=int(e.get("AUDIT_RETENTION_DAYS", defaults.audit_retention_days)),
            field_encryption_key=e.get("FIELD_ENCRYPTION_KEY") or None,
            field_encryption_keys=_list(e.get("FIELD_ENCRYPTION_KEYS"), []),
            secret_key_previous=_list(e.get("SECRET_KEY_PREVIOUS"), []),
            jwt_private_key=e.get("JWT_PRIVATE_KEY") or None,
            jwt_private_key_file=Path(e["JWT_PRIVATE_KEY_FILE"]) if e.get("JWT_PRIVATE_KEY_FILE") else None,
            jwt_previous_public_key_files=_list(e.get("JWT_PREVIOUS_PUBLIC_KEY_FILES"), []),
            trusted_proxies=_list(e.get("TRUSTED_PROXIES"), []),
            login_account_max_attempts=int(e.get("LOGIN_ACCOUNT_MAX_ATTEMPTS", defaults.login_account_max_attempts)),
            rate_limits=e.get("RATE_LIMITS", defaults.rate_limits),
            smtp_host=e.get("SMTP_HOST") or None,
            smtp_port=int(e.get("SMTP_PORT", defaults.smtp_port)),
            smtp_user=e.get("SMTP_USER") or None,
            smtp_password=e.get("SMTP_PASSWORD") or None,
            smtp_from=e.get("SMTP_FROM", defaults.smtp_from),
            smtp_tls=_bool(e.get("SMTP_TLS"), defaults.smtp_tls),
            ai_provider=e.get("AI_PROVIDER", defaults.ai_provider),
            ai_timeout_seconds=float(e.get("AI_TIMEOUT_SECONDS", defaults.ai_timeout_seconds)),
            ai_retries=int(e.get("AI_RETRIES", defaults.ai_retries)),
            ai_circuit_cooldown_seconds=float(e.get("AI_CIRCUIT_COOLDOWN_SECONDS", defaults.ai_circuit_cooldown_seconds)),
            gemini_api_key=e.get("GEMINI_API_KEY") or None,
            gemini_model=e.get("GEMINI_MODEL") or None,
            gemini_base_url=e.get("GEMINI_BASE_URL") or None,
            openai_api_key=e.get("OPENAI_API_KEY") or None,
            openai_base_url=e.get("OPENAI_BASE_URL") or None,
            openai_model=e.get("OPENAI_MODEL") or None,
            interview_timer_seconds=float(e.get("INTERVIEW_TIMER_SECONDS", defaults.interview_timer_seconds)),
            deadline_check_seconds=float(e.get("DEADLINE_CHECK_SECONDS", defaults.deadline_check_seconds)),
            ice_servers=e.get("ICE_SERVERS", ""),
            media_video_sample_fps=float(e.get("MEDIA_VIDEO_SAMPLE_FPS", defaults.media_video_sample_fps)),
            media_recording=_bool(e.get("MEDIA_RECORDING"), defaults.media_recording),
            media_recordings_dir=Path(e["MEDIA_RECORDINGS_DIR"]) if e.get("MEDIA_RECORDINGS_DIR") else data_dir / "recordings",
            tasks_in_app=_bool(e.get("TASKS_IN_APP"), not e.get("REDIS_URL")),
            task_concurrency=int(e.get("TASK_CONCURRENCY", defaults.task_concurrency)),
            match_weight_skills=float(e.get("MATCH_WEIGHT_SKILLS", defaults.match_weight_skills)),
            match_weight_experience=float(e.get("MATCH_WEIGHT_EXPERIENCE", defaults.match_weight_experience)),
            match_weight_education=float(e.get("MATCH_WEIGHT_EDUCATION", defaults.match_weight_education)),
            match_weight_text_similarity=float(e.get("MATCH_WEIGHT_TEXT_SIMILARITY",
                                                     defaults.match_weight_text_similarity)),
            match_weight_career_consistency=float(e.get("MATCH_WEIGHT_CAREER_CONSISTENCY",
                                                        defaults.match_weight_career_consistency)),
            match_weight_interview=float(e.get("MATCH_WEIGHT_INTERVIEW", defaults.match_weight_interview)),
            screening_advance_score=float(e.get("SCREENING_ADVANCE_SCORE", defaults.screening_advance_score)),
            screening_reminder_hours=float(e.get("SCREENING_REMINDER_HOURS", defaults.screening_reminder_hours)),
            screening_reminder_check_seconds=float(e.get("SCREENING_REMINDER_CHECK_SECONDS",
                                                         defaults.screening_reminder_check_seconds)),
            screening_retention_days=int(e.get("SCREENING_RETENTION_DAYS", defaults.screening_retention_days)),
            face_detection_enabled=_bool(e.get("FACE_DETECTION_ENABLED"), defaults.face_detection_enabled),
            anti_cheat_threshold=e.get("ANTI_CHEAT_THRESHOLD", defaults.anti_cheat_threshold),
            tab_switch_detection=_bool(e.get("TAB_SWITCH_DETECTION"), defaults.tab_switch_detection),
            anti_cheat_sample_fps=float(e.get("ANTI_CHEAT_SAMPLE_FPS", defaults.anti_cheat_sample_fps)),
            anti_cheat_window_seconds=float(e.get("ANTI_CHEAT_WINDOW_SECONDS", defaults.anti_cheat_window_seconds)),
            anti_cheat_min_ratio=float(e.get("ANTI_CHEAT_MIN_RATIO", defaults.anti_cheat_min_ratio)),
            anti_cheat_min_samples=int(e.get("ANTI_CHEAT_MIN_SAMPLES", defaults.anti_cheat_min_samples)),
            anti_cheat_look_away_yaw_deg=float(e.get("ANTI_CHEAT_LOOK_AWAY_YAW_DEG",
                                                     defaults.anti_cheat_look_away_yaw_deg)),
            anti_cheat_look_away_pitch_deg=float(e.get("ANTI_CHEAT_LOOK_AWAY_PITCH_DEG",
                                                       defaults.anti_cheat_look_away_pitch_deg)),
            anti_cheat_disabled_checks=_list(e.get("ANTI_CHEAT_DISABLED_CHECKS"), []),
            integrity_key=e.get("INTEGRITY_KEY") or None,
            anti_cheat_precheck_camera=_bool(e.get("ANTI_CHEAT_PRECHECK_CAMERA"), defaults.anti_cheat_precheck_camera),
            anti_cheat_fullscreen_grace_seconds=float(e.get("ANTI_CHEAT_FULLSCREEN_GRACE_SECONDS",
                                                            defaults.anti_cheat_fullscreen_grace_seconds)),
            anti_cheat_heartbeat_timeout_seconds=float(e.get("ANTI_CHEAT_HEARTBEAT_TIMEOUT_SECONDS",
                                                             defaults.anti_cheat_heartbeat_timeout_seconds)),
            anti_cheat_consent_required=_bool(e.get("ANTI_CHEAT_CONSENT_REQUIRED"),
                                              defaults.anti_cheat_consent_required),
            anti_cheat_retention_days=int(e.get("ANTI_CHEAT_RETENTION_DAYS", defaults.anti_cheat_retention_days)),
            whisper_model=e.get("WHISPER_MODEL") or None,
            whisper_device=e.get("WHISPER_DEVICE", defaults.whisper_device),
            whisper_compute_type=e.get("WHISPER_COMPUTE_TYPE", defaults.whisper_compute_type),
            whisper_max_concurrent=int(e.get("WHISPER_MAX_CONCURRENT", defaults.whisper_max_concurrent)),
            whisper_beam_size=int(e.get("WHISPER_BEAM_SIZE", defaults.whisper_beam_size)),
            whisper_cpu_threads=int(e.get("WHISPER_CPU_THREADS", defaults.whisper_cpu_threads)),
            speech_end_silence_ms=int(e.get("SPEECH_END_SILENCE_MS", defaults.speech_end_silence_ms)),
            speech_turn_silence_ms=int(e.get("SPEECH_TURN_SILENCE_MS", defaults.speech_turn_silence_ms)),
            speech_turn_unsure_silence_ms=int(e.get("SPEECH_TURN_UNSURE_SILENCE_MS",
                                                    defaults.speech_turn_unsure_silence_ms)),
            speech_reconnect_grace_seconds=float(e.get("SPEECH_RECONNECT_GRACE_SECONDS",
                                                       defaults.speech_reconnect_grace_seconds)),
            speech_vad_model=e.get("SPEECH_VAD_MODEL") or None,
            speech_turn_model=e.get("SPEECH_TURN_MODEL") or None,
            speech_max_chunk_ms=int(e.get("SPEECH_MAX_CHUNK_MS", defaults.speech_max_chunk_ms)),
            speech_final_beam_size=int(e.get("SPEECH_FINAL_BEAM_SIZE", defaults.speech_final_beam_size)),
            speech_max_upload_bytes=int(e.get("SPEECH_MAX_UPLOAD_BYTES", defaults.speech_max_upload_bytes)),
            speech_max_upload_seconds=float(e.get("SPEECH_MAX_UPLOAD_SECONDS", defaults.speech_max_upload_seconds)),
            speech_preload=_bool(e.get("SPEECH_PRELOAD"), defaults.speech_preload),
            embedding_model=Path(e["EMBEDDING_MODEL"]) if e.get("EMBEDDING_MODEL") else None,
            embedding_threads=int(e.get("EMBEDDING_THREADS", defaults.embedding_threads)),
            demo_password=e.get("DEMO_PASSWORD", defaults.demo_password),
            # a server seeds demo accounts only in development; `candidatex seed` is the way anywhere else
            seed_demo=_bool(e.get("SEED_DEMO"), True) and app_env == "development",
            log_level=e.get("LOG_LEVEL", defaults.log_level).upper(),
            log_json=_bool(e.get("LOG_JSON"), defaults.log_json),
        )

    def __repr__(self) -> str:  # secrets never reach logs
        return f"Settings(app_env={self.app_env!r}, data_dir={str(self.data_dir)!r}, mongodb={'url' if self.mongodb_url else 'embedded'}, redis={'url' if self.redis_url else 'memory'})"
