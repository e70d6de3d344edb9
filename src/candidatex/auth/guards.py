"""Role-based access: a permission map and the guards that enforce it on routes."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from candidatex.users.models import Role

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.candidate: frozenset({"profile", "interview:own", "resume:own", "jobs:read", "applications:own"}),
    Role.recruiter: frozenset({"profile", "interview:own", "interview:watch", "jobs:read", "jobs:write",
                               "candidates:read", "applications:manage", "resume:read_applied"}),
    Role.admin: frozenset({"profile", "interview:own", "interview:watch", "interview:any", "jobs:read", "jobs:write",
                           "jobs:any", "candidates:read", "applications:manage", "resume:any", "users:manage",
                           "audit:read", "stats:read"}),
}


def has_permission(role: Role | str, permission: str) -> bool:
    return permission in PERMISSIONS.get(Role(role), frozenset())


def requires(*permissions: str):  # noqa: ANN201 - a Litestar guard
    """Guard: the user's role must grant every listed permission."""

    # async on purpose: Litestar runs a sync guard in a worker thread, a thread hop on every guarded request
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.user
        if user is None or not all(has_permission(user.role, p) for p in permissions):
            raise PermissionDeniedException("You do not have permission to do this")

    return guard
