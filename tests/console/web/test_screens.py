"""The pages in a real browser (Debian's chromium through Playwright): screenshots for
people to look at, and checks a test client cannot make: the CSP blocks nothing we
ship, and pupils' requests appear without a reload."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import REPO
from tests.console.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CLASSGUARD_ARTIFACTS", REPO / "build" / "test-artifacts")) / "console"
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM), reason="no chromium")


@pytest.fixture
def served(console):
    console.app.config["REQUESTS_POLL_MS"] = 300
    server = make_server("127.0.0.1", 0, console.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield console, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()


def test_teacher_sees_a_pupils_request_appear_without_reload(served, browser):
    console, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, base, "juf-anna")
    page.fill("input[name=reason]", "filmpje aardrijkskunde")
    page.select_option("select[name=services]", ["youtube"])
    page.click("form[action$='/teacher/grant'] button[type=submit]")
    page.wait_for_load_state()
    device = console.enrol()
    console.api("POST", "/requests", device["device_secret"], json={"service": "tiktok", "message": "voor ons project"})
    page.wait_for_selector("#requests li.request", timeout=5000)
    assert "voor ons project" in page.inner_text("#requests")
    page.screenshot(path=str(ARTIFACTS / "teacher-home.png"), full_page=True)
    page.click("#requests li.request button:has-text('Goedkeuren')")
    page.wait_for_load_state()
    assert "Verzoek goedgekeurd" in page.inner_text("main")
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_screens_of_directie_and_admin(served, browser):
    console, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    device = console.enrol()
    counters = {
        "youtube": {"2026-12-01T07": 12, "2026-11-30T09": 4},
        "tiktok": {"2026-11-27T10": 7, "2026-11-30T12": 3},
    }
    console.api(
        "POST",
        "/heartbeat",
        device["device_secret"],
        json={"agent_version": "0.1.0", "health": {"proxy": "running"}, "counters": counters},
    )
    console.api(
        "POST", "/incidents", device["device_secret"], json={"message": "Er wordt gescholden in de klassenapp."}
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, base, "directeur")
    for path, name in [("/directie/overview?group=groep-7", "overview"), ("/directie/incidents", "incidents"),
                       ("/directie/media", "media"), ("/directie/protocol", "protocol")]:  # fmt: skip
        page.goto(base + path)
        page.screenshot(path=str(ARTIFACTS / f"directie-{name}.png"), full_page=True)
    page.goto(base + "/directie/overview?group=groep-7")
    assert page.locator("svg.chart rect").count() > 4  # bars and legend
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    admin = context.new_page()
    sign_in(admin, base, "beheer")
    for path, name in [("/admin/devices", "devices"), ("/admin/policy", "policy"), ("/admin/audit", "audit")]:
        admin.goto(base + path)
        admin.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)
    admin.goto(base + "/admin/policy")
    admin.fill("textarea[name=text]", "version: 1\nschool: x\nlessons: {}\nblok: []\n")
    admin.click("form[action$='/admin/policy'] button[type=submit]")
    admin.screenshot(path=str(ARTIFACTS / "admin-policy-errors.png"), full_page=True)
    assert "regel 4:1" in admin.inner_text(".problems")
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.parametrize("user", ["juf-anna", "directeur"])
def test_pages_fit_a_phone(served, browser, user):
    """A teacher between two lessons may have only a phone: nothing scrolls sideways."""
    _console, base = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    sign_in(page, base, user)
    overflowing = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / f"phone-{user}-home.png"), full_page=True)
    assert overflowing <= 0, f"the page is {overflowing}px wider than a phone"


def test_teacher_grants_sees_it_listed_and_synced_then_revokes(served, browser):
    """The three clicks of a teacher between two lessons, checked at the laptop's end."""
    import jwt

    console, base = served
    device = console.enrol()
    secret = device["device_secret"]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(page, base, "juf-anna")
    page.select_option("select[name=services]", ["youtube"])
    page.fill("input[name=reason]", "filmpje aardrijkskunde")
    page.click("form[action$='/teacher/grant'] button[type=submit]")
    page.wait_for_load_state()
    listed = page.locator("table tr", has_text="filmpje aardrijkskunde")
    assert listed.count() == 1 and "\tYouTube\t" in listed.inner_text()
    tokens = console.api("GET", "/sync", secret).json["tokens"]
    claims = [jwt.decode(t, options={"verify_signature": False}) for t in tokens]
    granted = [c for c in claims if c["services"] == ["youtube"] and c["reason"] == "filmpje aardrijkskunde"]
    assert len(granted) == 1
    listed.locator("button:has-text('Intrekken')").click()
    page.wait_for_load_state()
    assert page.locator("table tr", has_text="filmpje aardrijkskunde").count() == 0
    assert granted[0]["jti"] in console.api("GET", "/sync", secret).json["revoked"]
