"""The `candidatex` command: serve, seed, create-admin, outbox, worker, tasks, rotate-keys."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from candidatex.config import Settings, SettingsError

if TYPE_CHECKING:
    from candidatex.auth.service import AuthService

T = TypeVar("T")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    os.environ.setdefault("PUBLIC_URL", f"http://{args.host}:{args.port}")
    if args.proxy_headers:  # the app reads forwarded headers itself, from TRUSTED_PROXIES only (uvicorn's old default)
        os.environ.setdefault("TRUSTED_PROXIES", "127.0.0.1")
    everywhere = args.host in ("0.0.0.0", "::")  # noqa: S104 - a comparison: the banner shows a reachable address
    os.environ["CANDIDATEX_BANNER_URL"] = f"http://{'127.0.0.1' if everywhere else args.host}:{args.port}"
    settings = Settings.from_env()
    server = {"host": args.host, "port": args.port, "log_config": None, "proxy_headers": False,
              "timeout_keep_alive": settings.http_keep_alive_seconds,
              "ws_max_size": 4 * 1024 * 1024, "ws_per_message_deflate": settings.ws_compression}
    if args.workers > 1:
        uvicorn.run("candidatex.asgi:app", workers=args.workers, **server)
    else:
        from candidatex.app import create_app

        uvicorn.run(create_app(), **server)
    return 0


async def _with_services(settings: Settings, action: Callable[[AuthService], Awaitable[T]]) -> T:
    """Runs `action` with the auth service of a process wired by the composition root (no server)."""
    from candidatex.core import crypto
    from candidatex.db.client import connect
    from candidatex.services import build_services

    database = await connect(settings, share_running=True)  # beside a running server: its database, not a second one
    crypto.configure_from_settings(settings)
    try:
        services = build_services(settings, database, None)
        try:
            return await action(services.auth_service)
        finally:
            await services.ai_service.aclose()
    finally:
        await database.close()


def _seed(args: argparse.Namespace) -> int:
    """Demo accounts and the demo world, through a running app's services (its lifespan, without serving)."""
    from candidatex.app import create_app
    from candidatex.demo.seed import DemoServices, ensure_demo_world
    from candidatex.seed import banner, ensure_demo_accounts

    settings = Settings.from_env()
    if args.demo is False or settings.is_production:
        print("nothing seeded (--no-demo or APP_ENV=production)")
        return 0
    # no background task runner here: the seed ranks the jobs itself, and the process ends when it is done
    app = create_app(Settings.from_env({**os.environ, "SEED_DEMO": "false", "SPEECH_PRELOAD": "false",
                                        "TASKS_IN_APP": "false"}))

    async def seed() -> tuple[list, object]:
        async with app.lifespan():
            accounts = await ensure_demo_accounts(app.state.auth_service, settings.demo_password)
            world = await ensure_demo_world(DemoServices.of(app.state), settings.demo_password, rebuild=bool(args.demo))
            return accounts, world

    accounts, world = asyncio.run(seed())
    print(banner(settings.public_url, accounts))
    print(f"demo world: {'seeded' if world.seeded else 'already there'}"  # type: ignore[attr-defined]
          + (f" in {world.seconds} s ({world.cpu_seconds} s CPU): {world.jobs} jobs, {world.resumes} resumes, "  # type: ignore[attr-defined]
             f"{world.applications} applications, {world.interviews} interviews" if world.seeded else ""))  # type: ignore[attr-defined]
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from candidatex.core.errors import AppError
    from candidatex.users.models import Role

    settings = Settings.from_env()
    password = args.password or os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        user = asyncio.run(_with_services(settings, lambda auth: auth.create_user(
            args.email, password, args.name, Role.admin, email_verified=True)))
    except AppError as error:
        print(f"error: {error.message} {error.details or ''}", file=sys.stderr)
        return 2
    print(f"admin created: {user.email}")
    return 0


def _outbox(args: argparse.Namespace) -> int:
    """Prints stored emails: with no SMTP configured this is where reset and verification links are read."""
    from candidatex.core.mailer import OutboxEmail

    async def show(_: object) -> list[OutboxEmail]:
        query = OutboxEmail.find({"to": args.to.lower()} if args.to else {})
        return await query.sort("-created_at").limit(args.limit).to_list()

    for email in asyncio.run(_with_services(Settings.from_env(), show)):
        print(f"--- {email.created_at:%Y-%m-%d %H:%M} to {email.to} [{email.status}]\n{email.subject}\n\n{email.body}")
    return 0


def _rotate_keys(_: argparse.Namespace) -> int:
    """Re-seals every encrypted field under the current key (FIELD_ENCRYPTION_KEYS[0] / SECRET_KEY)."""
    from candidatex.core.crypto import rotate_sealed_fields
    from candidatex.db.registry import document_models

    async def rotate(_: object) -> dict[str, int]:
        return await rotate_sealed_fields(document_models())

    counts = asyncio.run(_with_services(Settings.from_env(), rotate))
    for name, count in counts.items():
        print(f"{name}: {count} re-sealed")
    return 0


def _worker(_: argparse.Namespace) -> int:
    from candidatex.worker import run_worker

    return asyncio.run(run_worker(Settings.from_env()))


def _tasks(args: argparse.Namespace) -> int:
    """What the background queue holds (queued, active, scheduled), its workers and its latest tasks, as JSON."""
    import json

    settings = Settings.from_env()
    if not settings.redis_url:
        print("error: without REDIS_URL the tasks live inside the app process; there is no queue to read",
              file=sys.stderr)
        return 2

    async def read() -> dict[str, object]:
        from redis.asyncio import Redis

        from candidatex.tasks.queue import redis_queue

        redis = Redis.from_url(settings.redis_url or "", socket_connect_timeout=2, socket_timeout=10)
        try:
            info = await redis_queue(redis).saq.info(jobs=True, limit=args.limit)
        finally:
            await redis.aclose()
        jobs = [{key: job.get(key) for key in ("key", "function", "status", "attempts", "progress", "error",
                                                "queued", "started", "completed")} for job in info["jobs"]]
        return {"queued": info["queued"], "active": info["active"], "scheduled": info["scheduled"],
                "workers": len(info["workers"]), "jobs": jobs}

    print(json.dumps(asyncio.run(read()), indent=2, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="candidatex", description="CandidateX interview platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server (data folder: $CANDIDATEX_DATA_DIR, default ./var)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes; >1 needs MONGODB_URL and REDIS_URL")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust forwarded headers from 127.0.0.1 unless TRUSTED_PROXIES names the proxies")
    serve.set_defaults(func=_serve)
    seed = sub.add_parser("seed", help="create the demo accounts and demo world (once; nothing in production)")
    choice = seed.add_mutually_exclusive_group()
    choice.add_argument("--demo", dest="demo", action="store_true", default=None,
                        help="erase the demo world and build it again")
    choice.add_argument("--no-demo", dest="demo", action="store_false", help="seed nothing")
    seed.set_defaults(func=_seed)
    admin = sub.add_parser("create-admin", help="create an administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password", help="or ADMIN_PASSWORD, or asked for")
    admin.set_defaults(func=_create_admin)
    outbox = sub.add_parser("outbox", help="show stored emails (reset and verification links)")
    outbox.add_argument("--to")
    outbox.add_argument("--limit", type=int, default=10)
    outbox.set_defaults(func=_outbox)
    sub.add_parser("worker", help="run background tasks from the Redis queue").set_defaults(func=_worker)
    tasks = sub.add_parser("tasks", help="show the background queue: counts, workers, latest tasks (JSON)")
    tasks.add_argument("--limit", type=int, default=20)
    tasks.set_defaults(func=_tasks)
    sub.add_parser("rotate-keys", help="re-encrypt sealed fields under the current key (after a key change)"
                   ).set_defaults(func=_rotate_keys)
    args = parser.parse_args(argv)
    os.umask(0o077)  # what the app writes (data folder, keys, recordings, database files) is its user's alone
    if args.command == "serve" and args.workers > 1 and not (os.environ.get("MONGODB_URL") and os.environ.get("REDIS_URL")):
        parser.error("--workers > 1 needs MONGODB_URL and REDIS_URL (the embedded database is single-process)")
    try:
        return args.func(args)
    except SettingsError as error:  # a bad variable: one line naming it, not a traceback
        print(f"candidatex: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
