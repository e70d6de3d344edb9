"""No Docker engine runs here: parse docker-compose.yml and check it against the settings the app reads."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from candidatex.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _settings_env_names() -> set[str]:
    source = (ROOT / "src" / "candidatex" / "config.py").read_text()
    return set(re.findall(r'e(?:\.get)?\(\s*"([A-Z_]+)"', source)) | set(re.findall(r'e\["([A-Z_]+)"\]', source))


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
    assert "27017:27017" in mongo["ports"]


def test_redis_7_with_persistence() -> None:
    redis = SERVICES["redis"]
    assert redis["image"].startswith("redis:7") and "6379:6379" in redis["ports"]
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_app_environment_matches_settings() -> None:
    env = SERVICES["app1"]["environment"]
    known = _settings_env_names()
    assert {"MONGODB_URL", "REDIS_URL", "SECRET_KEY", "APP_ENV"} <= known
    for name in env:
        if name not in {"AI_PROVIDER", "GEMINI_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ICE_SERVERS"}:
            assert name in known, f"compose sets {name}, which the app does not read"
    assert "replicaSet=rs0" in env["MONGODB_URL"] and env["MONGODB_URL"].startswith("mongodb://mongo:27017")
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["APP_ENV"] == "production" and "?" in env["SECRET_KEY"]  # compose refuses to start without a key
    assert SERVICES["app2"]["environment"] == env and SERVICES["worker"]["environment"] == env
    assert SERVICES["worker"]["command"] == ["candidatex", "worker"]


def test_app_serves_on_the_port_the_proxy_targets() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app1:8000" in nginx and "server app2:8000" in nginx
    assert "8000" in SERVICES["app1"]["expose"] and "Upgrade" in nginx  # WebSockets pass through
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"--port", "8000"' in dockerfile
    assert "8080:8080" in SERVICES["proxy"]["ports"]
