"""With --intercept: block pages over HTTPS from a name-constrained per-install CA."""

from __future__ import annotations

import json

from tests.proxy.conftest import IN_BREAK, IN_LESSON, body, codes, curl


def test_blocked_https_gets_the_block_page_and_the_site_is_never_dialled(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON, "--intercept")
    before, _ = sites.https.recorder.snapshot()
    # curl trusts only the laptop's CA: OpenSSL accepts its name-constrained certificate.
    result = curl(proxy, f"https://www.instagram.com:{sites.https.port}/reels", "-i", cacert=school.data_dir / "ca.pem")
    assert codes(result) == (200, 403), result.stderr
    page = body(result)
    assert "x-classguard-verdict: block" in page.lower()
    assert '<html lang="nl">' in page
    assert "Instagram is nu even dicht" in page
    assert "Dat kan weer om 12:00 uur." in page  # the lesson's end, local time
    assert 'lang="en"' in page and "You can use it again at 12:00." in page
    assert sites.https.recorder.snapshot()[0] == before


def test_the_block_page_needs_nothing_from_elsewhere(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON, "--intercept")
    page = body(curl(proxy, f"https://instagram.com:{sites.https.port}/", cacert=school.data_dir / "ca.pem"))
    for external in ("src=", "href=", "url(", "@import", "<script"):
        assert external not in page


def test_unguarded_hosts_are_never_intercepted(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON, "--intercept")
    # Trusting only the laptop's CA fails: the site's own certificate came through.
    result = curl(proxy, f"https://example.org:{sites.https.port}/", cacert=school.data_dir / "ca.pem")
    assert result.returncode == 60  # curl: peer certificate cannot be authenticated
    trusted = curl(proxy, f"https://example.org:{sites.https.port}/", cacert=sites.ca.cert_path)
    assert codes(trusted) == (200, 200)


def test_without_intercept_no_ca_exists_and_media_is_reported_unenforceable(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON)
    assert not (school.data_dir / "ca.pem").exists()
    assert not list(school.data_dir.rglob("*ca*.pem"))
    status = json.loads((proxy.data_dir / "status.json").read_text())
    assert status["intercept"] is False
    assert status["media_enforceable"] is False


def test_with_intercept_media_is_enforceable(run_proxy, school):
    proxy = run_proxy(IN_LESSON, "--intercept")
    status = json.loads((proxy.data_dir / "status.json").read_text())
    assert status["media_enforceable"] is True


def test_upstream_certificates_are_verified(run_proxy, sites, school):
    # In the break with --intercept, YouTube is intercepted for the media rule; the
    # stand-in's certificate is from a root the proxy was not told to trust.
    proxy = run_proxy(IN_BREAK, "--intercept", upstream_ca=False)
    requests_before = len(sites.https.recorder.snapshot()[1])
    result = curl(proxy, f"https://www.youtube.com:{sites.https.port}/", cacert=school.data_dir / "ca.pem")
    assert codes(result)[1] == 502
    assert len(sites.https.recorder.snapshot()[1]) == requests_before
