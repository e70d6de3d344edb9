"""Dependency providers: services live in app state, built once at start-up."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State
from litestar.di import Provide


def _from_state(name: str) -> Provide:
    def provide(state: State) -> Any:
        return getattr(state, name)

    provide.__name__ = f"provide_{name}"
    return Provide(provide, sync_to_thread=False)


def state_dependencies(*names: str) -> dict[str, Provide]:
    return {name: _from_state(name) for name in names}
