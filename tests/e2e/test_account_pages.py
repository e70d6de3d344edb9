"""The pages a new user looks for: forgot password, the emailed reset and verification links, 2FA setup with its
QR code, profile editing; and in the interview room, the question hidden while paused and follow-ups announced.

These run on a server whose database the test can read (tests/conftest.py `live_server`), so the emailed links
are taken from the outbox, as a person would take them from their mailbox."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Account, opened_page, sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Brand-New-Passphrase-7"
THIN_ANSWER = "I would google it."


@pytest.fixture()
def live_page(chromium, live_server: str):
    with opened_page(chromium, live_server, permissions=["camera", "microphone"]) as page:
        yield page


def emailed_link(live_db, to: str, subject: str) -> str:
    """The path and query of the newest link in the newest email to `to` whose subject has `subject`.

    Forgot-password writes its email after the response (the same timing for known and unknown addresses), so the
    mail may land a moment after the page says it was sent: wait for it, as a user waits for their inbox.
    """
    deadline = time.monotonic() + 20
    while (email := live_db.outbox.find_one({"to": to, "subject": {"$regex": subject}},
                                            sort=[("created_at", -1)])) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert email, f"no {subject!r} email to {to}"
    url = urlparse(re.search(r"https?://\S+", email["body"]).group(0))
    return f"{url.path}?{url.query}"


def test_forgot_password_then_the_emailed_link_sets_a_new_one(live_page, live_server, live_db):
    account = Account(live_server)
    page = live_page
    page.goto("/login")
    page.get_by_test_id("forgot-link").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    page.get_by_test_id("forgot-email").fill(account.email)
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id("forgot-sent")).to_contain_text(account.email)

    link = emailed_link(live_db, account.email, "[Rr]eset")
    assert link.startswith("/reset-password?token=")
    page.goto(link)
    page.get_by_test_id("reset-password").fill(NEW_PASSWORD)
    page.get_by_test_id("reset-confirm").fill(NEW_PASSWORD + "x")
    expect(page.get_by_test_id("reset-submit")).to_be_disabled()  # the two differ: said before sending
    page.get_by_test_id("reset-confirm").fill(NEW_PASSWORD)
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()

    page.goto(link)  # a used link is refused in words
    page.get_by_test_id("reset-password").fill(NEW_PASSWORD)
    page.get_by_test_id("reset-confirm").fill(NEW_PASSWORD)
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("error-message")).to_be_visible()

    sign_in(page, account.email, account.password)
    expect(page.get_by_test_id("error-message")).to_be_visible()  # the old password no longer works
    sign_in(page, account.email, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/candidate$"))


def test_the_emailed_verification_link_confirms_the_address(live_page, live_server, live_db):
    account = Account(live_server)
    assert live_db.users.find_one({"email": account.email})["email_verified"] is False
    live_page.goto(emailed_link(live_db, account.email, "Confirm"))
    expect(live_page.get_by_test_id("verify-done")).to_be_visible()
    assert live_db.users.find_one({"email": account.email})["email_verified"] is True
    live_page.goto("/verify-email?token=not-a-real-token")
    expect(live_page.get_by_test_id("verify-failed")).to_be_visible()


def test_two_factor_setup_shows_a_scannable_qr_code(live_page, live_server):
    account = Account(live_server)
    sign_in(live_page, account.email, account.password)
    expect(live_page).to_have_url(re.compile(r"/candidate$"))
    live_page.goto("/settings")
    live_page.get_by_test_id("two-factor-setup").click()
    qr = live_page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the image decoded, it is not a broken link
    assert re.fullmatch(r"[A-Z2-7]{16,}", live_page.get_by_test_id("two-factor-secret").inner_text())


def test_profile_editing_is_saved(live_page, live_server):
    account = Account(live_server)
    sign_in(live_page, account.email, account.password)
    expect(live_page).to_have_url(re.compile(r"/candidate$"))
    live_page.goto("/settings")
    live_page.get_by_test_id("profile-name").fill("Petra Profile")
    live_page.get_by_test_id("profile-headline").fill("Data engineer who likes clean pipelines")
    live_page.get_by_test_id("profile-location").fill("Glasgow, UK")
    live_page.get_by_test_id("profile-phone").fill("+44 141 496 0000")
    live_page.get_by_test_id("profile-save").click()
    expect(live_page.get_by_text("Your profile was saved.")).to_be_visible()
    me = account.call("GET", "/users/me")
    assert (me["full_name"], me["headline"], me["location"], me["phone"]) == (
        "Petra Profile", "Data engineer who likes clean pipelines", "Glasgow, UK", "+44 141 496 0000")
    live_page.reload()
    expect(live_page.get_by_test_id("profile-location")).to_have_value("Glasgow, UK")
    expect(live_page.get_by_test_id("current-user")).to_contain_text("Petra Profile")


def test_paused_interview_hides_the_question_and_follow_ups_extend_the_count(live_page, live_server):
    account = Account(live_server)
    session = account.call("POST", "/interview/sessions", json={
        "job_title": "Backend engineer", "mode": "technical", "question_count": 1, "duration_minutes": 20})
    sid = session["session_id"]
    account.call("POST", f"/interview/sessions/{sid}/precheck", json={
        "camera": True, "microphone": True, "speaker": True, "fullscreen": True, "screens": 1})
    started = account.call("POST", f"/interview/sessions/{sid}/start")["session"]
    first = started["questions"][0]["id"]
    answered = account.call("POST", f"/interview/sessions/{sid}/answer",
                            json={"question_id": first, "content": THIN_ANSWER})
    assert answered["next_question"]["is_follow_up"]  # a thin answer brings a follow-up beyond the plan

    sign_in(live_page, account.email, account.password)
    expect(live_page).to_have_url(re.compile(r"/candidate$"))
    live_page.goto(f"/candidate/interviews/{sid}/room")
    question = live_page.get_by_test_id("question-text")
    expect(question).to_be_visible()
    expect(live_page.get_by_test_id("question-progress")).to_contain_text("Question 2 of 2")
    expect(live_page.get_by_test_id("follow-up-note")).to_have_text("Follow-up questions added 1 to the 1 planned.")

    live_page.get_by_test_id("pause-interview").click()
    expect(live_page.get_by_test_id("question-hidden")).to_be_visible()
    expect(question).to_have_count(0)
    live_page.get_by_test_id("resume-interview").click()
    expect(live_page.get_by_test_id("question-text")).to_be_visible()


def test_the_emailed_unlock_link_unlocks_the_account(chromium, tmp_path_factory):
    """After many failed sign-ins the owner is mailed an unlock link; the page it opens unlocks the account.
    A server of its own, whose account budget (3) is spent before the per-address one (10), and whose outbox is
    read with `candidatex outbox` beside it, as an operator without SMTP would."""
    import os
    import subprocess
    import sys

    import httpx

    from tests.e2e.conftest import ROOT, serve

    data_dir = tmp_path_factory.mktemp("unlock-data")
    env = {"CANDIDATEX_DATA_DIR": str(data_dir), "LOGIN_ACCOUNT_MAX_ATTEMPTS": "3", "LOGIN_MAX_ATTEMPTS": "10"}
    server = serve(tmp_path_factory, **env)
    url = next(server)
    try:
        account = Account(url)
        for _ in range(3):
            assert httpx.post(f"{url}/auth/login", json={"email": account.email, "password": "wrong-Password-9"},
                              timeout=30).status_code == 401
        locked = httpx.post(f"{url}/auth/login", json={"email": account.email, "password": account.password},
                            timeout=30)
        assert locked.status_code == 429  # the owner too, until the backoff passes or they use the link
        outbox = subprocess.run(
            [sys.executable, "-c", "import sys; from candidatex.cli import main; sys.exit(main())", "outbox",
             "--to", account.email], env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
            capture_output=True, text=True, timeout=120, check=True).stdout
        link = urlparse(re.search(r"https?://\S+/unlock-account\?token=\S+", outbox).group(0))

        context = chromium.new_context(base_url=url, viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.goto(f"{link.path}?{link.query}")
        expect(page.get_by_test_id("unlock-done")).to_be_visible()
        sign_in(page, account.email, account.password)
        expect(page).to_have_url(re.compile(r"/candidate$"))  # the right password works again at once
        page.goto(f"{link.path}?{link.query}")  # a spent link is refused in words
        expect(page.get_by_test_id("unlock-failed")).to_be_visible()
        context.close()
    finally:
        server.close()
