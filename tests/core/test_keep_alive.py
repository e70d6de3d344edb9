"""An idle HTTP connection stays usable longer than clients keep theirs (httpx and many pools: 5 s), so a client never
reuses a connection the server is closing at that moment (its request would fail as a dropped connection: the paced
load bench lost 2-4 of 200 interview creates that way with uvicorn's default of 5 s). Real `candidatex serve`
processes, raw sockets."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import live_env


def _get_health(connection: socket.socket, host: str) -> bytes:
    connection.sendall(f"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return received  # the server closed the connection
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def _idle_then_reuse(url: str, idle_s: float) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        assert _get_health(connection, parts.netloc).startswith(b"HTTP/1.1 200")
        time.sleep(idle_s)
        return _get_health(connection, parts.netloc)


def test_a_connection_idle_longer_than_clients_keep_theirs_still_answers(live_server: str) -> None:
    assert _idle_then_reuse(live_server, 6.0).startswith(b"HTTP/1.1 200")


def test_the_keep_alive_is_a_setting(mongo_url: str, tmp_path: Path) -> None:
    from tests.servers import running_server

    with running_server(live_env(mongo_url, HTTP_KEEP_ALIVE_SECONDS="1"), tmp_path / "data") as (url, _):
        assert _idle_then_reuse(url, 2.5) == b""  # closed by the server after its one second
