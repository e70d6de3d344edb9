"""The composition root: build_services(settings, database, redis) wires stores, services and providers once.

create_app's lifespan and the command line (`candidatex create-admin`, `outbox`, `rotate-keys`) both build the
services here; neither constructs a service itself. Building starts nothing: the lifespan starts the background
loops (deadline watcher, task consumer, model warm-ups) and stops them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from candidatex.account.service import AccountService
from candidatex.admin.service import AdminService
from candidatex.ai.service import build_ai_service
from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.audit.service import AuditService
from candidatex.auth.keys import SigningKeys, load_signing_keys
from candidatex.auth.service import AuthService
from candidatex.auth.tokens import TokenService
from candidatex.background import Domain, build_domain, build_queue
from candidatex.config import Settings
from candidatex.core.mailer import Mailer
from candidatex.core.resilience import SoftStore
from candidatex.embeddings import get_embedder
from candidatex.interviews import store as session_store
from candidatex.interviews.clock import SessionClock
from candidatex.interviews.events import EventBus
from candidatex.interviews.lifecycle import (
    LifecycleBus,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
)
from candidatex.interviews.models import SessionStatus
from candidatex.interviews.service import InterviewService
from candidatex.jobs.service import JobService
from candidatex.matching.service import MatchingService
from candidatex.media import metrics as media_metrics
from candidatex.media.fanout import ConsumerFanout
from candidatex.media.hub import MediaHub, parse_ice_servers
from candidatex.media.service import MediaService
from candidatex.resumes.service import ResumeService
from candidatex.screening.service import ScreeningService
from candidatex.speech.audio import UploadLimits
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.service import VoiceAudioConsumer, VoiceService
from candidatex.speech.transcriber import Transcriber, partial_transcriber
from candidatex.speech.turns import TurnPolicy
from candidatex.tasks.queue import TaskQueue


def build_stores(redis: Any) -> dict[str, Store]:
    names = ("denylist", "cache", "live")  # rate limits keep their own windows: core/ratelimit.py
    if redis is None:
        return {name: MemoryStore() for name in names}
    root = RedisStore(redis, namespace="candidatex")
    # the denylist fails closed (503 while Redis is down); the others degrade: see core/resilience.py
    return {"denylist": root.with_namespace("denylist"),
            "cache": SoftStore(root.with_namespace("cache"), name="cache"),
            "live": SoftStore(root.with_namespace("live"), name="live")}


def build_signing_keys(settings: Settings) -> SigningKeys:
    return load_signing_keys(settings.jwt_private_key, settings.jwt_private_key_file, settings.data_dir,
                             [Path(p).read_text() for p in settings.jwt_previous_public_key_files])


class Services:
    """Every service of one process; the app copies them onto app.state (handlers get them by injection)."""

    database: Any
    audit_service: AuditService
    tokens: TokenService
    mailer: Mailer
    auth_service: AuthService
    account_service: AccountService
    admin_service: AdminService
    ai_service: Any
    event_bus: EventBus
    lifecycle: LifecycleBus
    interview_service: InterviewService
    session_clock: SessionClock
    stream_message_handlers: dict[str, Any]
    media_consumers: ConsumerFanout
    media_hub: MediaHub
    media_service: MediaService
    anti_cheat: AntiCheatCoordinator
    task_queue: TaskQueue
    domain: Domain
    resume_service: ResumeService
    job_service: JobService
    matching_service: MatchingService
    screening_service: ScreeningService
    transcriber: Transcriber
    voice_service: VoiceService
    voice_consumer: VoiceAudioConsumer

    def as_state(self) -> dict[str, Any]:
        return dict(vars(self))


def _wire_lifecycle(lifecycle: LifecycleBus, clock: SessionClock, anti_cheat: AntiCheatCoordinator) -> None:
    """Who reacts to which lifecycle event (the media service subscribes itself, media/service.py)."""

    async def deadline_set(event: SessionStarted | SessionResumed) -> None:
        clock.set_deadline(event.session_id, event.ends_at)

    async def deadline_cleared(event: SessionPaused | SessionEnded) -> None:
        clock.clear_deadline(event.session_id)

    async def watch_active(event: SessionStarted | SessionResumed) -> None:
        anti_cheat.status_changed(event.session_id, SessionStatus.active.value)

    async def watch_paused(event: SessionPaused) -> None:
        anti_cheat.status_changed(event.session_id, SessionStatus.paused.value)

    async def seal_integrity_log(event: SessionEnded) -> None:
        await anti_cheat.session_ended(event.session_id, event.reason, event.actor_id)

    lifecycle.subscribe(SessionStarted, deadline_set)
    lifecycle.subscribe(SessionResumed, deadline_set)
    lifecycle.subscribe(SessionPaused, deadline_cleared)
    lifecycle.subscribe(SessionEnded, deadline_cleared)
    lifecycle.subscribe(SessionEnded, seal_integrity_log)
    lifecycle.subscribe(SessionStarted, watch_active)
    lifecycle.subscribe(SessionResumed, watch_active)
    lifecycle.subscribe(SessionPaused, watch_paused)


def build_services(settings: Settings, database: Any, redis: Any, *, stores: dict[str, Store] | None = None,
                   channels: ChannelsPlugin | None = None, signing_keys: SigningKeys | None = None) -> Services:
    """Wires one process's services. The app passes the stores, channels and keys it also hands to Litestar; the
    command line passes none (memory stores, an unstarted memory channel: its actions publish no events)."""
    stores = stores if stores is not None else build_stores(redis)
    if channels is None:
        channels = ChannelsPlugin(backend=MemoryChannelsBackend(history=0), arbitrary_channels_allowed=True,
                                  create_ws_route_handlers=False)
    signing_keys = signing_keys or build_signing_keys(settings)
    services = Services()
    services.database = database
    services.audit_service = AuditService(settings.audit_retention_days)
    services.tokens = TokenService(signing_keys, settings.access_token_expire_minutes,
                                   settings.refresh_token_expire_days, stores["denylist"])
    services.mailer = Mailer(settings)
    services.auth_service = AuthService(settings, services.tokens, services.audit_service, services.mailer)
    services.account_service = AccountService(services.auth_service, services.audit_service)
    # background work and the hiring domains first: the interview service and the admin dashboard read jobs/.
    # build_domain (shared with `candidatex worker`) also wires the hiring bus: résumés and jobs publish, matching re-ranks
    services.task_queue = build_queue(settings, redis)
    services.domain = domain = build_domain(settings, database, services.task_queue, services.audit_service)
    services.resume_service, services.job_service, services.matching_service = domain.resumes, domain.jobs, domain.matching
    services.admin_service = AdminService(services.auth_service, services.audit_service,
                                          stats_sources=[domain.jobs.stats])
    services.ai_service = build_ai_service(settings.ai_provider, settings.gemini_api_key, settings.openai_api_key,
                                           settings.openai_base_url, settings.openai_model, settings.gemini_model,
                                           settings.gemini_base_url, settings.ai_timeout_seconds, stores["cache"],
                                           settings.ai_retries,
                                           circuit_cooldown_seconds=settings.ai_circuit_cooldown_seconds,
                                           embedder=get_embedder(settings),
                                           scoring_workers=settings.ai_scoring_workers)
    if settings.ai_scoring_pool == "process":
        services.ai_service.fallback.use_processes(settings.ai_scoring_nice)
    services.event_bus = EventBus(channels)
    services.lifecycle = LifecycleBus()
    services.interview_service = InterviewService(services.ai_service, services.event_bus, stores["live"],
                                                  services.audit_service, services.lifecycle,
                                                  job_lookup=domain.jobs.interview_link)
    # one task drives every stream's timer and every deadline; a rare query ends what others left overdue
    services.session_clock = SessionClock(settings.interview_timer_seconds, services.interview_service.expire,
                                          services.interview_service.expire_overdue, settings.deadline_check_seconds,
                                          session_store.event_counters)
    services.stream_message_handlers = {}  # WS message type -> async handler(user, session_id, message)
    services.media_consumers = ConsumerFanout()  # anti-cheat (video) and speech (audio) register here
    services.media_hub = MediaHub(ice_servers=parse_ice_servers(settings.ice_servers),
                                  video_sample_fps=settings.media_video_sample_fps,
                                  recordings_dir=settings.media_recordings_dir if settings.media_recording else None,
                                  video_consumer=services.media_consumers, audio_consumer=services.media_consumers)
    media_metrics.track(services.media_hub)
    services.media_service = MediaService(services.media_hub, services.interview_service, services.event_bus,
                                          database.db)
    services.anti_cheat = AntiCheatCoordinator(services.interview_service, services.event_bus, settings)
    services.stream_message_handlers["signal"] = services.anti_cheat.handle_stream_message
    services.media_consumers.add_video(services.anti_cheat)
    _wire_lifecycle(services.lifecycle, services.session_clock, services.anti_cheat)
    # the bindings left after construction, each a true cycle: anti-cheat watches the interview service and
    # judges its precheck and a live interview's start; screening (built with jobs, which the interview service reads) creates interviews
    services.interview_service.precheck_judge = services.anti_cheat.judge_precheck
    services.interview_service.live_start_check = services.anti_cheat.check_live_start
    services.screening_service = domain.screening
    domain.screening.interviews = services.interview_service
    services.lifecycle.subscribe(SessionEnded, domain.screening.session_ended)  # keeps the AI's summary
    services.transcriber = Transcriber(settings.whisper_model, settings.whisper_device, settings.whisper_compute_type,
                                       settings.whisper_max_concurrent, settings.whisper_beam_size,
                                       settings.whisper_cpu_threads, cache_dir=settings.data_dir / "models",
                                       encoder_min_s=settings.whisper_encoder_min_seconds)  # loads lazily: start-up stays fast
    services.voice_service = VoiceService(services.transcriber, services.interview_service, services.event_bus,
                                          SegmenterSettings(end_silence_ms=settings.speech_end_silence_ms,
                                                            max_chunk_ms=settings.speech_max_chunk_ms,
                                                            max_answer_ms=int(settings.speech_max_upload_seconds * 1000),
                                                            vad_model=settings.speech_vad_model),
                                          UploadLimits(settings.speech_max_upload_bytes, settings.speech_max_upload_seconds),
                                          settings.speech_final_beam_size or None,
                                          TurnPolicy(settings.speech_turn_silence_ms,
                                                     settings.speech_turn_unsure_silence_ms,
                                                     min_answer_words=settings.speech_turn_min_answer_words,
                                                     model_path=settings.speech_turn_model),
                                          settings.speech_reconnect_grace_seconds,
                                          recordings=services.media_hub,  # spoken questions go into WebRTC recordings
                                          on_speech_started=services.anti_cheat.speech_heard,
                                          partial_transcriber=partial_transcriber(services.transcriber,
                                                                                  settings.whisper_partial_model))
    services.voice_consumer = VoiceAudioConsumer(services.voice_service)
    services.voice_consumer.follow(services.lifecycle)  # paused, resumed, ended: speech reacts, never polls
    services.media_consumers.add_audio(services.voice_consumer)
    services.stream_message_handlers["voice_done"] = services.voice_consumer.voice_done
    return services
