"""create_app(settings) -> Litestar: the one place where plugins, stores, channels and domains are wired."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.config.cors import CORSConfig
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router

from candidatex.account.controller import MeController
from candidatex.admin.controller import AdminController
from candidatex.ai.providers.local import LocalProvider
from candidatex.anticheat.controller import AntiCheatController
from candidatex.auth.controller import AuthController, jwks
from candidatex.auth.security import PUBLIC_PATHS, build_jwt_auth
from candidatex.background import scheduled_tasks, task_handlers
from candidatex.config import Settings
from candidatex.core import crypto
from candidatex.core.deps import state_dependencies
from candidatex.core.exceptions import EXCEPTION_HANDLERS, http_error_handler
from candidatex.core.inputs import GuardedRequest, nul_in_query_middleware
from candidatex.core.logging import configure_logging
from candidatex.core.middleware import (
    PrometheusSeriesMiddleware,
    add_response_headers,
    budget_rules,
    rate_limit_middleware,
    request_context_middleware,
    trusted_client_middleware,
)
from candidatex.core.openapi import document_error_responses
from candidatex.core.ratelimit import build_windows
from candidatex.core.resilience import RESILIENCE_HANDLERS, ResilientRedisChannelsBackend
from candidatex.db.client import connect
from candidatex.db.embedded import private_dir
from candidatex.demo.seed import DemoServices, ensure_demo_world
from candidatex.health.controller import HealthController
from candidatex.interviews.controller import InterviewController
from candidatex.jobs.controller import ApplicationController, JobController
from candidatex.matching.controller import DemographicsController, MatchingController
from candidatex.media.controller import MediaController, live_now
from candidatex.resumes.controller import ResumeController
from candidatex.screening.controller import (
    JobScreeningController,
    ScreeningController,
    SendScreeningController,
)
from candidatex.seed import banner, ensure_demo_accounts
from candidatex.services import build_services, build_signing_keys, build_stores
from candidatex.speech.controller import build_voice_controller
from candidatex.speech.transcriber import Transcriber
from candidatex.ws.interview_stream import interview_stream
from candidatex.ws.live_interview import live_interview
from candidatex.ws.voice_audio import voice_audio_stream

logger = logging.getLogger(__name__)
FRONTEND_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
API_PREFIXES = ("/auth", "/users", "/admin", "/interview", "/live-interview", "/resume", "/jobs", "/applications",
                "/matching", "/health", "/metrics", "/schema", "/media", "/voice")


def _spa_fallback(request: Request, exc: NotFoundException) -> Response:
    """Client-side routes (/dashboard, /interview/123/room) get the app's index.html; API misses stay JSON 404s."""
    index = FRONTEND_DIST / "index.html"
    wants_html = "text/html" in request.headers.get("accept", "")
    if request.method == "GET" and wants_html and index.exists() and not request.url.path.startswith(API_PREFIXES):
        return Response(index.read_bytes(), media_type="text/html")
    return http_error_handler(request, exc)


async def _warm_embedder(local: LocalProvider) -> None:
    """Load the sentence model and embed the question bank after start-up, so the first interviews' plans and
    answers are not the slow ones."""
    try:
        await asyncio.to_thread(local.warm)
    except Exception:  # noqa: BLE001 - it then loads (and fails loudly) on first use
        logger.warning("embedding model preload failed", exc_info=True)
    freeze_long_lived_objects()


def freeze_long_lived_objects() -> None:
    """Move what start-up built (modules, the model, the bank: ~140,000 objects) out of the collector's reach.
    Every full collection walked them all on the event loop: 240-320 ms per pause on this machine, each one
    delaying every acknowledgement waiting behind it (docs/performance.md, fifth pass). Once per process: a
    process that builds many apps (the tests) does not pin each one's objects."""
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


async def _warm_transcriber(transcriber: Transcriber) -> None:
    """Load the speech model after start-up, so the first spoken answer is not the slow one."""
    try:
        await transcriber.load()
        logger.info("speech model loaded", extra={"model": Path(transcriber.model_name).name})
    except Exception:  # noqa: BLE001 - speech is then loaded (and fails loudly) on first use
        logger.warning("speech model preload failed", exc_info=True)


def _fix_openapi_nulls(app: Litestar) -> None:
    """Litestar documents the `data: None` of Envelope[None] as an object; the responses carry null."""
    from litestar.openapi.spec import OpenAPIType, Schema

    for schema in (app.openapi_schema.components.schemas or {}).values():
        if isinstance(schema, Schema) and schema.title == "Envelope[NoneType]" and schema.properties:
            schema.properties["data"] = Schema(type=OpenAPIType.NULL)


async def _seed_demo_world(app: Litestar) -> None:
    """After every other start-up hook (interviews publish events: the channels plugin must be running). The world
    is built in the background, so the server answers (and the demo accounts sign in) at once."""

    async def seed() -> None:
        try:
            await ensure_demo_world(DemoServices.of(app.state), app.state.settings.demo_password)
        except Exception:  # noqa: BLE001 - a broken demo must not take the platform down
            logger.exception("demo world seeding failed")

    app.state.demo_seed_task = asyncio.create_task(seed())
    banner_url = os.environ.get("CANDIDATEX_BANNER_URL")
    if banner_url:  # the run command's promise: URL and demo logins
        print(banner(banner_url, app.state.demo_accounts), flush=True)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)
    redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10)
    stores = build_stores(redis)
    channels_backend = ResilientRedisChannelsBackend(redis=redis) if redis is not None else MemoryChannelsBackend(history=0)
    channels = ChannelsPlugin(backend=channels_backend, arbitrary_channels_allowed=True, create_ws_route_handlers=False)
    signing_keys = build_signing_keys(settings)
    jwt_auth = build_jwt_auth(signing_keys)

    @asynccontextmanager
    async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
        """Entered first and left last: a start-up that fails later still stops the embedded database."""
        if settings.media_recording and settings.media_recordings_dir:
            private_dir(settings.media_recordings_dir)  # recordings of people: the app user's alone
        app.state.database = await connect(settings)
        app.state.database.supervise()
        try:
            yield
        finally:
            await app.state.database.close()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        crypto.configure_from_settings(settings)  # the whole keyring (connect() sets up the current key only)
        state = app.state
        database = state.database
        _fix_openapi_nulls(app)
        document_error_responses(app, PUBLIC_PATHS)
        services = build_services(settings, database, redis, stores=stores, channels=channels,
                                  signing_keys=signing_keys)
        for name, value in services.as_state().items():
            setattr(state, name, value)
        state.anti_cheat.start()
        state.session_clock.start()
        background = [asyncio.create_task(_warm_embedder(state.ai_service.fallback))]
        tasks_stop = asyncio.Event()
        if settings.tasks_in_app:
            background.append(asyncio.create_task(state.task_queue.run(task_handlers(services.domain), tasks_stop,
                                                                            scheduled_tasks(settings))))
        if settings.speech_preload:
            background.append(asyncio.create_task(_warm_transcriber(state.transcriber)))
            partials = services.voice_service.partial_transcriber
            if isinstance(partials, Transcriber) and partials is not state.transcriber:
                background.append(asyncio.create_task(_warm_transcriber(partials)))
        if settings.seed_demo:
            state.demo_accounts = await ensure_demo_accounts(state.auth_service, settings.demo_password)
        logger.info("candidatex started", extra={"database": "url" if settings.mongodb_url else "embedded",
                                                 "redis": bool(redis)})
        try:
            yield
        finally:
            tasks_stop.set()
            seeding = getattr(state, "demo_seed_task", None)
            if seeding is not None and not seeding.done():
                seeding.cancel()  # marks the world interrupted: the next start builds it again
                await asyncio.gather(seeding, return_exceptions=True)
            await state.session_clock.stop()
            await state.interview_service.drain()  # answers being evaluated are evaluated
            await state.media_service.shutdown()  # closes the hub and keeps recordings
            await state.voice_consumer.shutdown()
            await state.anti_cheat.close()
            await state.ai_service.aclose()
            await asyncio.to_thread(state.ai_service.fallback.close)  # the scoring processes, if any
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if redis is not None:
                await redis.aclose()

    prometheus = PrometheusConfig(app_name="candidatex", group_path=True, exclude=["^/metrics", "^/health"],
                                  middleware_class=PrometheusSeriesMiddleware)

    class MetricsController(PrometheusController):
        path = "/metrics"
        opt = {"exclude_from_auth": True}
        include_in_schema = False

    route_handlers: list[Any] = [HealthController, MetricsController, AuthController, jwks, MeController, AdminController,
                                 InterviewController, interview_stream, AntiCheatController]
    route_handlers += [MediaController, live_now, live_interview]
    route_handlers += [ResumeController, JobController, ApplicationController,
                       MatchingController, DemographicsController]
    route_handlers += [build_voice_controller(settings.speech_max_upload_bytes), voice_audio_stream]
    route_handlers += [SendScreeningController, ScreeningController, JobScreeningController]
    if FRONTEND_DIST.exists():
        route_handlers.append(create_static_files_router(path="/", directories=[FRONTEND_DIST], html_mode=True,
                                                         opt={"exclude_from_auth": True}, include_in_schema=False))

    rate_rules = budget_rules(settings.rate_limit_per_minute, settings.rate_limit_user_per_minute, settings.rate_limits)
    exception_handlers: dict[Any, Any] = {**EXCEPTION_HANDLERS, **RESILIENCE_HANDLERS, NotFoundException: _spa_fallback}
    app = Litestar(
        route_handlers=route_handlers,
        lifespan=[database_lifespan, lifespan],
        plugins=[channels],
        stores=stores,
        on_app_init=[jwt_auth.on_app_init],
        middleware=[trusted_client_middleware(settings.trusted_proxies), request_context_middleware,
                    prometheus.middleware,
                    rate_limit_middleware(rate_rules),
                    nul_in_query_middleware],
        request_class=GuardedRequest,
        cors_config=CORSConfig(allow_origins=settings.cors_origins, allow_headers=["Authorization", "Content-Type",
                                                                                  "X-Request-ID"]),
        exception_handlers=exception_handlers,
        openapi_config=OpenAPIConfig(title="CandidateX API", version="0.1.0", path="/schema",
                                     render_plugins=[SwaggerRenderPlugin()]),
        request_max_body_size=settings.max_request_bytes,
        dependencies=state_dependencies("auth_service", "account_service", "admin_service", "audit_service",
                                        "interview_service", "media_service", "resume_service", "job_service",
                                        "matching_service", "anti_cheat", "voice_service", "event_bus",
                                        "session_clock", "stream_message_handlers", "screening_service"),
        before_send=[add_response_headers],
        logging_config=None,  # our JSON logging (core/logging.py) stays in charge
        debug=False,
    )
    if settings.seed_demo:
        # after every other start-up hook: interviews publish events, so the channels plugin must be running
        app.on_startup.append(_seed_demo_world)
    app.state.settings = settings
    app.state.redis = redis
    app.state.rate_windows = build_windows(redis)
    app.state.rate_rules = rate_rules  # the authentication asks whether the rate limiter's round trip will run
    app.state.channels = channels
    return app
