"""Every page passes axe-core's WCAG 2.1 AA rules with real data on it (the demo world), the app can be used
with the keyboard alone, and the first page's script stays small (the bundle is split by route).

axe-core comes from npm (frontend/package.json, pinned; MPL-2.0, its licence in node_modules/axe-core/LICENSE) and
is injected into the page from node_modules: no CDN."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, DIST, FRONTEND, sign_in

pytestmark = pytest.mark.browser

AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIRST_SCREEN_BUDGET = 250 * 1024  # bytes of script before compression

PUBLIC = ["/login", "/register", "/forgot-password", "/reset-password?token=demo", "/verify-email"]
CANDIDATE = ["/candidate", "/candidate/interviews/new", "/candidate/resume", "/candidate/jobs",
             "/candidate/applications", "/settings", "/m/voice"]
RECRUITER = ["/recruiter", "/recruiter/interviews", "/recruiter/live", "/recruiter/reports", "/settings"]
ADMIN = ["/console", "/console/users", "/console/audit"]


@pytest.fixture()
def axe_page(chromium, server_url: str):
    """The app's CSP allows only its own scripts: this context lets the test inject axe-core's."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in frontend/ (make setup does)")
    context = chromium.new_context(base_url=server_url, viewport={"width": 1280, "height": 860}, bypass_csp=True,
                                   permissions=["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    expect(page.locator("[aria-busy=true], [role=status]:has-text('Loading')")).to_have_count(0)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3)
            .map(n => n.target.join(" ")).join(", ")}`);
    }""", WCAG_AA)
    return found


def check_pages(page, paths: list[str]) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        page.goto(path)
        found = violations(page)
        if found:
            problems[path] = found
    return problems


def api_token(server_url: str, email: str) -> dict[str, str]:
    data = httpx.post(f"{server_url}/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=30).json()
    return {"Authorization": f"Bearer {data['data']['access_token']}"}


def test_every_page_passes_axe_wcag_21_aa(axe_page, server_url):
    problems = check_pages(axe_page, PUBLIC)

    sign_in(axe_page, "candidate@candidatex.dev")
    expect(axe_page).to_have_url(re.compile(r"/candidate$"))
    candidate = api_token(server_url, "candidate@candidatex.dev")
    finished = httpx.get(f"{server_url}/interview/sessions/history", headers=candidate, timeout=30).json()["data"]
    assert finished, "the demo world has finished interviews"
    pages = CANDIDATE + [f"/candidate/interviews/{finished[0]['session_id']}/summary"]
    created = httpx.post(f"{server_url}/interview/sessions", headers=candidate, timeout=30,
                         json={"job_title": "Accessibility check", "question_count": 1}).json()["data"]
    pages.append(f"/candidate/interviews/{created['id']}/precheck")
    problems |= check_pages(axe_page, pages)
    axe_page.get_by_test_id("sign-out").click()

    sign_in(axe_page, "recruiter@candidatex.dev")
    expect(axe_page).to_have_url(re.compile(r"/recruiter$"))
    recruiter = api_token(server_url, "recruiter@candidatex.dev")
    jobs = httpx.get(f"{server_url}/jobs", params={"mine": "true"}, headers=recruiter, timeout=30).json()["data"]["items"]
    assert jobs, "the demo world has the recruiter's jobs"
    screenings = httpx.get(f"{server_url}/interview/sessions", headers=recruiter, timeout=30).json()["data"]["items"]
    assert screenings, "the demo world has screenings the recruiter ran"
    problems |= {f"recruiter {k}": v for k, v in check_pages(
        axe_page, RECRUITER + [f"/recruiter/jobs/{jobs[0]['id']}",
                               f"/recruiter/reports/{screenings[0]['id']}"]).items()}
    axe_page.get_by_test_id("sign-out").click()

    sign_in(axe_page, "admin@candidatex.dev")
    expect(axe_page).to_have_url(re.compile(r"/console$"))
    problems |= check_pages(axe_page, ADMIN + ["/no-such-page"])
    assert not problems, json.dumps(problems, indent=1)


def test_sign_in_and_navigation_by_keyboard_alone(page):
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link or the first field, then on through the form
    for _ in range(6):
        if page.evaluate("() => document.activeElement?.dataset.testid") == "login-email":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("candidate@candidatex.dev")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement?.dataset.testid") == "login-password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/candidate$"))

    # every control in the main navigation is reachable with Tab and follows with Enter
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        label = page.evaluate("() => document.activeElement?.closest('[data-testid=main-nav]') ? "
                              "document.activeElement.textContent.trim() : null")
        if label:
            reached.append(label)
            if label == "Resume":
                break
    assert reached[-3:] == ["Dashboard", "Practice", "Resume"], reached
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/candidate/resume$"))
    focused = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                            "getComputedStyle(document.activeElement).boxShadow")
    assert focused.strip() not in ("none none", "")  # the focused control is visibly marked


def test_first_page_script_is_split_from_the_rest(frontend_dist):
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry_key = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))

    def static_closure(key: str, seen: set[str]) -> set[str]:
        if key in seen:
            return seen
        seen.add(key)
        for imported in manifest[key].get("imports", []):
            static_closure(imported, seen)
        return seen

    first = static_closure(entry_key, set())
    size = sum((DIST / manifest[key]["file"]).stat().st_size for key in first)
    assert size < FIRST_SCREEN_BUDGET, f"the first page loads {size / 1024:.0f} kB of script"
    lazy = {key for key, chunk in manifest.items() if chunk.get("isDynamicEntry")}
    assert not first & lazy  # no route's page is loaded up front: each one is fetched when it is opened
    assert {"src/pages/admin/Stats.tsx", "src/pages/recruiter/Jobs.tsx", "src/pages/candidate/Dashboard.tsx",
            "src/pages/candidate/Summary.tsx"} <= set(manifest[entry_key].get("dynamicImports", []))
