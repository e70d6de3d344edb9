"""Admin endpoints: RBAC (the forbidden cases), user management, audit trail, dashboard."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, Account, register


async def test_non_admins_are_forbidden(client: AsyncTestClient, candidate: Account, recruiter: Account) -> None:
    for account in (candidate, recruiter):
        for method, path in (("GET", "/admin/users"), ("GET", "/admin/audit-logs"), ("GET", "/admin/dashboard/stats"),
                             ("PATCH", f"/admin/users/{candidate.id}"), ("POST", "/admin/users")):
            response = await client.request(method, path, headers=account.headers, json={"role": "admin"})
            assert response.status_code == 403, (account.role, path, response.text)
            assert response.json()["error"]["code"] == "FORBIDDEN"
    assert (await client.get("/admin/users")).status_code == 401


async def test_list_search_filter_paginate_users(client: AsyncTestClient, admin: Account) -> None:
    marker = (await register(client, "recruiter")).email.split("@")[0]
    found = await client.get("/admin/users", params={"q": marker}, headers=admin.headers)
    page = found.json()["data"]
    assert page["total"] == 1 and page["items"][0]["email"].startswith(marker)
    recruiters = (await client.get("/admin/users", params={"role": "recruiter", "limit": 2}, headers=admin.headers)).json()["data"]
    assert all(u["role"] == "recruiter" for u in recruiters["items"]) and recruiters["limit"] == 2
    assert recruiters["pages"] >= 1 and len(recruiters["items"]) <= 2
    regex_attack = await client.get("/admin/users", params={"q": ".*"}, headers=admin.headers)
    assert regex_attack.json()["data"]["total"] == 0  # user text is literal
    bad = await client.get("/admin/users", params={"limit": 1000}, headers=admin.headers)
    assert bad.status_code in (400, 422)


async def test_change_role_and_deactivate_take_effect_now(client: AsyncTestClient, admin: Account) -> None:
    user = await register(client)
    promoted = await client.patch(f"/admin/users/{user.id}", json={"role": "recruiter"}, headers=admin.headers)
    assert promoted.status_code == 200 and promoted.json()["data"]["role"] == "recruiter"
    assert (await client.get("/users/me", headers=user.headers)).status_code == 401  # old role's token is dead
    login = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.json()["data"]["user"]["role"] == "recruiter"
    deactivated = await client.delete(f"/admin/users/{user.id}", headers=admin.headers)
    assert deactivated.json()["data"]["status"] == "deactivated"
    assert (await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})).status_code == 401
    assert (await client.patch("/admin/users/not-an-id", json={"role": "admin"}, headers=admin.headers)).status_code == 422
    self_demote = await client.patch(f"/admin/users/{admin.id}", json={"role": "candidate"}, headers=admin.headers)
    assert self_demote.status_code == 409


async def test_admin_creates_admin(client: AsyncTestClient, admin: Account) -> None:
    response = await client.post("/admin/users", json={"email": "second-admin@example.com", "password": PASSWORD,
                                                       "full_name": "Second", "role": "admin"}, headers=admin.headers)
    assert response.status_code == 201 and response.json()["data"]["role"] == "admin"


async def test_audit_log_records_security_actions_with_filters(client: AsyncTestClient, admin: Account) -> None:
    victim = await register(client)
    await client.post("/auth/login", json={"email": victim.email, "password": "Wrong-Passw0rd!"},
                      headers={"User-Agent": "audit-test-agent"})
    response = await client.get("/admin/audit-logs", params={"actor_id": victim.id, "outcome": "failure"},
                                headers=admin.headers)
    entries = response.json()["data"]["items"]
    assert entries and entries[0]["action"] == "auth.login"
    assert entries[0]["user_agent"] == "audit-test-agent" and entries[0]["ip"]
    registered = await client.get("/admin/audit-logs", params={"action": "user.register", "target_id": victim.id},
                                  headers=admin.headers)
    assert registered.json()["data"]["total"] == 1


async def test_dashboard_stats(client: AsyncTestClient, admin: Account) -> None:
    stats = (await client.get("/admin/dashboard/stats", headers=admin.headers)).json()["data"]
    assert stats["users_total"] >= 1 and stats["users_by_role"].get("admin", 0) >= 1
    assert stats["logins_last_24h"] >= 1
