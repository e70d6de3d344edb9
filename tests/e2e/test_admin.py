"""The administrator's users, audit log and statistics pages against the real API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import docs_screenshot, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_console(page, link: str) -> None:
    sign_in(page, "admin@candidatex.dev")
    expect(page).to_have_url(re.compile(r"/console$"))
    page.get_by_test_id("main-nav").get_by_role("link", name=link).click()


def test_statistics_show_the_seeded_accounts(page):
    sign_in(page, "admin@candidatex.dev")
    total = page.get_by_test_id("stat-users-total")
    expect(total).to_be_visible()
    assert int(re.search(r"\d+", total.inner_text()).group()) >= 3
    expect(page.get_by_test_id("chart-roles")).to_be_visible()
    screenshot(page, "admin-stats")


def test_filter_users_by_role_and_suspend_one(page):
    open_console(page, "Users")
    page.get_by_test_id("user-role-filter").select_option("recruiter")
    expect(page.get_by_test_id("users-card")).to_have_attribute("data-busy", "false")
    rows = page.get_by_test_id("user-row")
    expect(rows.first).to_be_visible()
    for role_select in page.get_by_test_id("user-role").all():
        expect(role_select).to_have_value("recruiter")

    page.get_by_test_id("user-role-filter").select_option("")
    page.get_by_test_id("user-search").fill("candidate@candidatex.dev")
    candidate = page.locator('[data-testid="user-row"][data-email="candidate@candidatex.dev"]')
    expect(candidate).to_have_count(1)
    candidate.get_by_test_id("user-status").select_option("suspended")
    expect(candidate).to_contain_text("Suspended")
    screenshot(page, "admin-users")
    docs_screenshot(page, "admin-users")
    # Put it back so other tests can still sign in as the candidate.
    candidate.get_by_test_id("user-status").select_option("active")
    expect(candidate.get_by_test_id("user-status")).to_have_value("active")


def test_audit_log_lists_sign_ins_and_filters_by_outcome(page):
    sign_in(page, "candidate@candidatex.dev", "wrong-password-1")
    open_console(page, "Audit log")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    page.get_by_test_id("audit-outcome").select_option("failure")
    expect(page.get_by_test_id("audit-card")).to_have_attribute("data-busy", "false")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    for row in page.get_by_test_id("audit-row").all():
        expect(row).to_contain_text("Failure")
    screenshot(page, "admin-audit")


def test_admin_changes_a_role_and_the_new_role_applies_at_next_sign_in(page, new_candidate, server_url):
    import httpx

    open_console(page, "Users")
    page.get_by_test_id("user-search").fill(new_candidate.email)
    row = page.locator(f'[data-testid="user-row"][data-email="{new_candidate.email}"]')
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("user-role")).to_have_value("candidate")
    row.get_by_test_id("user-role").select_option("recruiter")
    expect(page.get_by_test_id("users-card")).to_have_attribute("data-busy", "false")
    expect(row.get_by_test_id("user-role")).to_have_value("recruiter")
    # The change is stored: reloading the page shows it, and the account signs in as a recruiter.
    page.reload()
    page.get_by_test_id("user-search").fill(new_candidate.email)
    expect(page.locator(f'[data-testid="user-row"][data-email="{new_candidate.email}"]')
           .get_by_test_id("user-role")).to_have_value("recruiter")
    login = httpx.post(f"{server_url}/auth/login", timeout=30,
                       json={"email": new_candidate.email, "password": new_candidate.password})
    assert login.status_code == 200 and login.json()["data"]["user"]["role"] == "recruiter"
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/recruiter"))
