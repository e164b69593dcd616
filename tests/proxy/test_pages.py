"""The block page as a pupil sees it: headless chromium through the real proxy."""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from policies.decide import Decision
from policies.loader import parse_policy
from proxy.pages import block_page, until_text
from tests.conftest import AMS, REPO, local
from tests.proxy.conftest import IN_LESSON, SCHOOL

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "tests" / "artifacts"
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_until_today_is_a_clock_time():
    moment = until_text(local("2026-12-01 12:00"), local("2026-12-01 10:00"), AMS)
    assert moment.nl == "Dat kan weer om 12:00 uur."
    assert moment.en == "You can use it again at 12:00."


def test_until_another_day_names_the_day():
    moment = until_text(local("2026-12-07 08:30"), local("2026-12-04 15:00"), AMS)
    assert moment.nl == "Dat kan weer op maandag om 08:30 uur."


def test_until_unknown_says_end_of_lesson():
    assert "einde van de les" in until_text(None, IN_LESSON, AMS).nl


def test_names_are_escaped():
    # A custom service whose title carries markup must not put it on the page.
    school = parse_policy(SCHOOL.replace("title: YouTube", 'title: "<script>alert(1)</script>"'), "school.yaml")
    decision = Decision("block", "lesson", "youtube", IN_LESSON, None)
    page = block_page(school, decision, IN_LESSON).get_text()
    assert page is not None and "<script" not in page


def spki_hash(ca_pem: Path) -> str:
    """Chromium's --ignore-certificate-errors-spki-list pin for the CA's key (mitmproxy
    signs its leaves with a key shared with its CA)."""
    cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_the_block_page_renders_in_chromium_also_at_200_percent(run_proxy, sites, school):
    playwright = pytest.importorskip("playwright.sync_api")
    proxy = run_proxy(IN_LESSON, "--intercept")
    ARTIFACTS.mkdir(exist_ok=True)
    flags = [*FLAGS, f"--ignore-certificate-errors-spki-list={spki_hash(school.data_dir / 'ca.pem')}"]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags, proxy={"server": f"http://{proxy.address}"})
        try:
            for label, width, scale in (("laptop", 1280, 1), ("zoom-200", 640, 2)):
                # 200% zoom on a 1280-pixel laptop is a 640-CSS-pixel viewport at device scale 2.
                page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=scale)
                requests: list[str] = []

                def remember(request, seen=requests):  # (bound now, not at call time)
                    seen.append(request.url)

                page.on("request", remember)
                response = page.goto(f"https://www.instagram.com:{sites.https.port}/")
                assert response is not None and response.status == 403
                assert page.locator("html").get_attribute("lang") == "nl"
                assert page.get_by_role("heading", level=1).first.inner_text() == "Instagram is nu even dicht"
                assert page.get_by_text("Dat kan weer om 12:00 uur.").is_visible()
                assert page.locator("section[lang=en]").is_visible()
                # Nothing is fetched beyond the page itself, and nothing scrolls sideways.
                assert len(requests) == 1
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                page.screenshot(path=str(ARTIFACTS / f"block-page-{label}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
