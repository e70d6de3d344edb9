"""Does the answer time tell whether an email has an account? Register, login and forgot-password, each with a
known and an unknown email, interleaved, through the HTTP API on the embedded SecantusDB.

PYTHONPATH=src:. python bench/auth_enumeration_bench.py [--rounds 15]

Prints the median and p90 answer time per case and the known/unknown ratio of the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from litestar.testing import AsyncTestClient

from candidatex.app import create_app
from candidatex.db.embedded import EmbeddedMongo
from tests.conftest import PASSWORD, make_settings, register


async def timed(call) -> float:  # noqa: ANN001
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedMongo(Path(tmp) / "db")
        server.start()
        try:
            settings = make_settings(server.url, Path(tmp) / "data", LOGIN_MAX_ATTEMPTS="100000",
                                     LOGIN_ACCOUNT_MAX_ATTEMPTS="100000")
            async with AsyncTestClient(create_app(settings), base_url="http://bench.local") as client:
                known = await register(client)
                cases: dict[str, list[float]] = {}
                for i in range(rounds):
                    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
                    body = {"password": PASSWORD, "full_name": "Bench", "role": "candidate"}
                    pairs = {
                        "register": (lambda b=body: client.post("/auth/register", json={"email": known.email, **b}),
                                     lambda u=unknown, b=body: client.post("/auth/register", json={"email": u, **b})),
                        "login (wrong password)": (
                            lambda: client.post("/auth/login", json={"email": known.email, "password": "Wrong-Pass1!"}),
                            lambda u=unknown: client.post("/auth/login", json={"email": u, "password": "Wrong-Pass1!"})),
                        "forgot-password": (lambda: client.post("/auth/forgot-password", json={"email": known.email}),
                                            lambda u=unknown: client.post("/auth/forgot-password", json={"email": u})),
                    }
                    for name, (with_account, without) in pairs.items():
                        order = [("known", with_account), ("unknown", without)]
                        for label, call in (order if i % 2 else order[::-1]):
                            cases.setdefault(f"{name:<24} {label}", []).append(await timed(call))
            print(f"{rounds} rounds, interleaved; ms (median / p90)")
            medians = {}
            for name, values in cases.items():
                values.sort()
                medians[name] = statistics.median(values)
                print(f"  {name:<34} {medians[name]:7.1f} / {values[int(0.9 * (len(values) - 1))]:7.1f}")
            for name in ("register", "login (wrong password)", "forgot-password"):
                ratio = medians[f"{name:<24} known"] / medians[f"{name:<24} unknown"]
                print(f"  {name:<24} known/unknown median ratio {ratio:.2f}")
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    asyncio.run(main(parser.parse_args().rounds))
