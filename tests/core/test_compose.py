"""No Docker engine runs here: parse docker-compose.yml and check it against the settings the app reads."""

from __future__ import annotations

from pathlib import Path

import yaml

from candidatex.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _settings_env_names() -> set[str]:
    return set(Settings.env_names().values())


def test_every_service_has_a_healthcheck() -> None:
    for name in ("mongo", "redis", "app1", "app2", "worker", "proxy", "coturn"):
        assert name in SERVICES, name
        assert SERVICES[name]["healthcheck"]["test"], name


def test_mongo_7_single_node_replica_set_with_volume() -> None:
    mongo = SERVICES["mongo"]
    assert mongo["image"].startswith("mongo:7")
    assert "--replSet" in mongo["command"] and "rs0" in mongo["command"]
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])
    assert any(v.endswith(":/data/db") for v in mongo["volumes"])


def test_redis_7_with_persistence() -> None:
    redis = SERVICES["redis"]
    assert redis["image"].startswith("redis:7") and "--appendonly yes" in " ".join(redis["command"])
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_databases_are_not_published_on_host_interfaces() -> None:
    for name in ("mongo", "redis"):
        assert "ports" not in SERVICES[name], f"{name} is reachable from outside the compose network"
        assert "network_mode" not in SERVICES[name]


def test_mongo_requires_authentication_and_the_app_signs_in_with_its_own_user() -> None:
    mongo = SERVICES["mongo"]
    env = mongo["environment"]
    # a password with no default: compose refuses to start without one
    assert env["MONGO_INITDB_ROOT_PASSWORD"].startswith("${MONGO_ROOT_PASSWORD:?")
    assert env["MONGO_APP_PASSWORD"].startswith("${MONGO_APP_PASSWORD:?")
    assert "--auth" in mongo["command"] and "--keyFile" in mongo["command"]
    assert "-p" in mongo["healthcheck"]["test"][1]  # the health check signs in too
    init = next(v for v in mongo["volumes"] if "docker-entrypoint-initdb.d" in v)
    script = (ROOT / init.split(":")[0]).read_text()
    assert "createUser" in script and '"readWrite", db: "candidatex"' in script
    url = SERVICES["app1"]["environment"]["MONGODB_URL"]
    assert url.startswith("mongodb://${MONGO_APP_USER:-candidatex}:${MONGO_APP_PASSWORD:?")
    assert "@mongo:27017/" in url and "authSource=admin" in url


def test_redis_requires_a_password_and_the_app_url_carries_it() -> None:
    redis = SERVICES["redis"]
    assert redis["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    assert '--requirepass "$$REDIS_PASSWORD"' in " ".join(redis["command"])
    assert "REDISCLI_AUTH" in redis["healthcheck"]["test"][1]
    url = SERVICES["app1"]["environment"]["REDIS_URL"]
    assert url.startswith("redis://:${REDIS_PASSWORD:?") and url.endswith("@redis:6379/0")


def test_app_environment_matches_settings() -> None:
    env = SERVICES["app1"]["environment"]
    known = _settings_env_names()
    assert {"MONGODB_URL", "REDIS_URL", "SECRET_KEY", "APP_ENV"} <= known
    for name in env:
        if name not in {"AI_PROVIDER", "GEMINI_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ICE_SERVERS"}:
            assert name in known, f"compose sets {name}, which the app does not read"
    assert "replicaSet=rs0" in env["MONGODB_URL"] and "@mongo:27017/" in env["MONGODB_URL"]
    assert env["REDIS_URL"].endswith("@redis:6379/0")
    assert env["APP_ENV"] == "production" and "?" in env["SECRET_KEY"]  # compose refuses to start without a key
    assert SERVICES["app2"]["environment"] == env and SERVICES["worker"]["environment"] == env
    assert SERVICES["worker"]["command"] == ["candidatex", "worker"]


def test_app_serves_on_the_port_the_proxy_targets() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app1:8000" in nginx and "server app2:8000" in nginx
    assert "8000" in SERVICES["app1"]["expose"] and "Upgrade" in nginx  # WebSockets pass through
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"--port", "8000"' in dockerfile
    assert "\nUSER candidatex\n" in dockerfile and "-m 0700 -o candidatex /data" in dockerfile  # not root
    assert "8080:8080" in SERVICES["proxy"]["ports"]


def test_the_app_trusts_forwarded_headers_from_the_proxy_only() -> None:
    for name in ("app1", "app2"):
        assert COMPOSE["services"][name]["environment"]["TRUSTED_PROXIES"] == "proxy"
    assert "proxy" in COMPOSE["services"]
