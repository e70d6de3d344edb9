from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import Parameter
from litestar.security.jwt import Token

from candidatex.admin.schemas import AdminCreateUserIn, AdminUpdateUserIn, AuditLogOut, DashboardStats
from candidatex.admin.service import AdminService
from candidatex.audit.service import AuditService
from candidatex.auth.guards import requires
from candidatex.core.pagination import PageNumber, page_size
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, ObjectIdPath, Page, ok, page_of
from candidatex.users.models import Role, User, UserStatus
from candidatex.users.schemas import UserOut

AuthedRequest = Request[User, Token, Any]


class AdminController(Controller):
    path = "/admin"
    tags = ["admin"]

    @get("/users", guards=[requires("users:manage")])
    async def list_users(self, admin_service: AdminService, q: str | None = Parameter(default=None, max_length=100),
                         search: str | None = Parameter(default=None, max_length=100, description="the spec's name for q"),
                         role: Role | None = None, status: UserStatus | None = None,
                         page: int = PageNumber, limit: int = page_size()) -> Envelope[Page[UserOut]]:
        users, total = await admin_service.list_users(q or search, role, status, page, limit)
        return ok(page_of([UserOut.of(u) for u in users], total, page, limit))

    @post("/users", guards=[requires("users:manage")], status_code=201)
    async def create_user(self, request: AuthedRequest, data: AdminCreateUserIn,
                          admin_service: AdminService) -> Envelope[UserOut]:
        user = await admin_service.create_user(request.user, data.email, data.password, data.full_name, data.role,
                                               meta_of(request))
        return ok(UserOut.of(user), "User created")

    @get("/users/{user_id:str}", guards=[requires("users:manage")])
    async def get_user(self, user_id: ObjectIdPath, admin_service: AdminService) -> Envelope[UserOut]:
        return ok(UserOut.of(await admin_service.get_user(user_id)))

    @patch("/users/{user_id:str}", guards=[requires("users:manage")])
    async def update_user(self, request: AuthedRequest, user_id: ObjectIdPath, data: AdminUpdateUserIn,
                          admin_service: AdminService) -> Envelope[UserOut]:
        user = await admin_service.update_user(request.user, user_id, data.role, data.status, meta_of(request))
        return ok(UserOut.of(user), "User updated")

    @put("/users/{user_id:str}", guards=[requires("users:manage")])
    async def put_user(self, request: AuthedRequest, user_id: ObjectIdPath, data: AdminUpdateUserIn,
                       admin_service: AdminService) -> Envelope[UserOut]:
        """The spec's `PUT /admin/users/{id}`: the same partial update as PATCH."""
        user = await admin_service.update_user(request.user, user_id, data.role, data.status, meta_of(request))
        return ok(UserOut.of(user), "User updated")

    @delete("/users/{user_id:str}", guards=[requires("users:manage")], status_code=200)
    async def deactivate_user(self, request: AuthedRequest, user_id: ObjectIdPath, admin_service: AdminService) -> Envelope[UserOut]:
        user = await admin_service.update_user(request.user, user_id, None, "deactivated", meta_of(request))
        return ok(UserOut.of(user), "User deactivated")

    @get("/audit-logs", guards=[requires("audit:read")])
    async def audit_logs(self, audit_service: AuditService,
                         actor_id: str | None = Parameter(default=None, max_length=64),
                         action: str | None = Parameter(default=None, max_length=64),
                         outcome: Literal["success", "failure", "denied"] | None = None,
                         target_id: str | None = Parameter(default=None, max_length=64),
                         since: datetime | None = None, until: datetime | None = None,
                         page: int = PageNumber, limit: int = page_size(50, 200)) -> Envelope[Page[AuditLogOut]]:
        entries, total = await audit_service.search(actor_id=actor_id, action=action, outcome=outcome,
                                                    target_id=target_id, since=since, until=until, page=page, limit=limit)
        return ok(page_of([AuditLogOut.of(e) for e in entries], total, page, limit))

    @get("/dashboard/stats", guards=[requires("stats:read")])
    async def dashboard_stats(self, admin_service: AdminService) -> Envelope[DashboardStats]:
        return ok(DashboardStats(**await admin_service.stats()))
